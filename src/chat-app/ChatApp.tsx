'use client'

import { SignIn } from './auth/SignIn'
import { LocaleProvider } from './i18n'
import { useChatConfig, useSession } from './session'
import { Shell } from './Shell'

function Screens() {
  const session = useSession()
  const config = useChatConfig()
  if (session.user === undefined || !config) return <div className="splash" aria-busy="true" />
  if (!session.user) return <SignIn config={config} onSignedIn={session.refresh} />
  return <Shell user={session.user} config={config} onSignOut={() => void session.signOut()} />
}

/** The chat app at `/`: the sign-in screen or, once signed in, conversations, wallet and keys. */
export function ChatApp() {
  return (
    <LocaleProvider>
      <Screens />
    </LocaleProvider>
  )
}
