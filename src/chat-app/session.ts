'use client'

import { useCallback, useEffect, useState } from 'react'

import { api } from './api'
import type { ChatConfig, User } from './types'

/** Who is signed in: undefined while asking, null when nobody. */
export function useSession() {
  const [user, setUser] = useState<User | null | undefined>(undefined)
  const refresh = useCallback(
    () =>
      api<{ user: User | null }>('/api/users/me').then(
        (body) => setUser(body?.user ?? null),
        () => setUser(null),
      ),
    [],
  )
  useEffect(() => void refresh(), [refresh])
  const signOut = useCallback(async () => {
    await api('/api/users/logout', { method: 'POST' }).catch(() => undefined)
    setUser(null)
  }, [])
  return { user, refresh, signOut }
}

/** Email sign-in alone, when the server cannot say what is enabled. */
const FALLBACK: ChatConfig = { methods: { email: true, phone: false, wechat: false }, registrationOpen: true, currency: '' }

/** What the operator enabled (public): sign-in methods, registration, currency. */
export function useChatConfig(): ChatConfig | null {
  const [config, setConfig] = useState<ChatConfig | null>(null)
  useEffect(() => {
    api<ChatConfig>('/api/chat/config').then(setConfig, () => setConfig(FALLBACK))
  }, [])
  return config
}
