import { ResetPasswordForm } from './ResetPasswordForm'

/** Where the "reset your password" mail leads; the chat app's sign-in links back here. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams
  return (
    <main style={{ maxWidth: 420, margin: '10vh auto', padding: '0 24px', lineHeight: 1.6 }}>
      <h1>Choose a new password</h1>
      {token ? <ResetPasswordForm token={token} /> : <p>This link is incomplete: open the link from the mail again.</p>}
    </main>
  )
}
