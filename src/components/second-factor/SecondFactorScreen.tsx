'use client'

import { Button } from '@payloadcms/ui'
import { useEffect, useRef, useState, type FormEvent } from 'react'

type Enrolment = { secret: string; otpauthUrl: string; qrDataUrl: string }

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const answer = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(answer.errors?.[0]?.message ?? 'Something went wrong; try again.')
  return answer as T
}

const page = { minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 'var(--base)' } as const
const card = { maxWidth: 460, width: '100%', display: 'grid', gap: 'var(--base)' } as const
const mono = { fontFamily: 'monospace', fontSize: '1.1rem', letterSpacing: '0.05em', wordBreak: 'break-all' } as const

/**
 * The full-page second-factor step: set up an authenticator app (then the recovery codes, once),
 * or answer a code from it or a recovery code.
 */
type Props = { api: string; signOutUrl: string; enrolled: boolean; onPassed: () => void }

export function SecondFactorScreen({ api, signOutUrl, enrolled, onPassed }: Props) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null)
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null)
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const started = useRef(false)

  useEffect(() => {
    // Once: each set-up replaces the pending secret, and the one shown must be the one kept.
    if (enrolled || started.current) return
    started.current = true
    post<Enrolment>(`${api}/setup`, {}).then(setEnrolment, (failure: Error) => setError(failure.message))
  }, [api, enrolled])

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const answer = code.trim()
      if (enrolled) {
        await post(`${api}/verify`, /^\d{6}$/.test(answer.replace(/\s/g, '')) ? { code: answer } : { recoveryCode: answer })
        onPassed()
      } else {
        setRecoveryCodes((await post<{ recoveryCodes: string[] }>(`${api}/enable`, { code: answer })).recoveryCodes)
      }
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

  if (recoveryCodes) {
    return (
      <main style={page} className="second-factor">
        <div style={card}>
          <h2>Save your recovery codes</h2>
          <p>Each one signs you in once if you lose your authenticator app. They are shown only now.</p>
          <ul className="second-factor__recovery-codes" style={{ ...mono, columns: 2, listStyle: 'none', padding: 0 }}>
            {recoveryCodes.map((recovery) => (
              <li key={recovery}>{recovery}</li>
            ))}
          </ul>
          <Button id="second-factor-continue" onClick={onPassed}>
            Continue
          </Button>
        </div>
      </main>
    )
  }

  return (
    <main style={page} className="second-factor">
      <form style={card} onSubmit={submit}>
        <h2>Two-factor sign-in</h2>
        {enrolled ? (
          <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
        ) : (
          <>
            <p>Your role must sign in with a second factor. Scan this code with an authenticator app, or type in the key below, then enter the code it shows.</p>
            {enrolment && (
              <>
                <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" width={200} height={200} />
                <code className="second-factor__secret" style={mono}>
                  {enrolment.secret}
                </code>
              </>
            )}
          </>
        )}
        <input
          id="second-factor-code"
          className="input"
          autoComplete="one-time-code"
          autoFocus
          value={code}
          onChange={(event) => setCode(event.target.value)}
          aria-label={enrolled ? 'Code or recovery code' : 'Code'}
        />
        {error && (
          <p role="alert" className="second-factor__error" style={{ color: 'var(--theme-error-500)' }}>
            {error}
          </p>
        )}
        <Button type="submit" id="second-factor-submit" disabled={busy || !code.trim() || (!enrolled && !enrolment)}>
          {enrolled ? 'Verify' : 'Turn on'}
        </Button>
        <a href={signOutUrl}>Sign out</a>
      </form>
    </main>
  )
}
