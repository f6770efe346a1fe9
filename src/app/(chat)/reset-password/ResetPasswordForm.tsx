'use client'

import { useState, type FormEvent } from 'react'

type State = { kind: 'idle' } | { kind: 'sending' } | { kind: 'done' } | { kind: 'failed'; message: string }

/** Posts the mailed token and the new password to Payload's reset route. */
export function ResetPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState('')
  const [state, setState] = useState<State>({ kind: 'idle' })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setState({ kind: 'sending' })
    const res = await fetch('/api/users/reset-password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password }),
    })
    if (res.ok) return setState({ kind: 'done' })
    const body = (await res.json().catch(() => ({}))) as { errors?: { message?: string }[] }
    setState({ kind: 'failed', message: body.errors?.[0]?.message ?? 'The password could not be changed.' })
  }

  if (state.kind === 'done') return <p role="status">Your password has been changed. <a href="/">Sign in</a></p>
  return (
    <form onSubmit={submit}>
      <label>
        New password
        <input name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} style={{ display: 'block', width: '100%', padding: 8, margin: '8px 0 16px' }} />
      </label>
      <button type="submit" disabled={state.kind === 'sending'}>
        Change password
      </button>
      {state.kind === 'failed' && <p role="alert">{state.message}</p>}
    </form>
  )
}
