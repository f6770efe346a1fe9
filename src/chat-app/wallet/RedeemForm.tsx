'use client'

import { useId, useState, type FormEvent } from 'react'

import { api } from '../api'
import { useT } from '../i18n'
import { strings } from './strings'

type Outcome = { kind: 'done' } | { kind: 'failed'; message: string } | null

/** Turns a redemption code into balance or a plan; the server says what was wrong with a bad one. */
export function RedeemForm({ onRedeemed }: { onRedeemed: () => void }) {
  const t = useT(strings)
  const heading = useId()
  const inputId = useId()
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>(null)

  async function redeem(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setOutcome(null)
    try {
      await api('/api/redeem', { method: 'POST', json: { code: code.trim() } })
      setCode('')
      setOutcome({ kind: 'done' })
      onRedeemed()
    } catch (error) {
      setOutcome({ kind: 'failed', message: (error as Error).message })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('redeemTitle')}</h2>
      <form className="wallet-inline-form" onSubmit={redeem}>
        <label htmlFor={inputId} className="wallet-label">
          {t('redeemCode')}
        </label>
        <div className="wallet-row">
          <input id={inputId} value={code} onChange={(event) => setCode(event.target.value)} autoComplete="off" autoCapitalize="characters" spellCheck={false} required placeholder="XXXX-XXXX-XXXX-XXXX" />
          <button type="submit" disabled={busy || !code.trim()}>
            {t('redeem')}
          </button>
        </div>
      </form>
      <p role="status" className={outcome?.kind === 'failed' ? 'wallet-error' : 'wallet-success'}>
        {outcome?.kind === 'done' ? t('redeemed') : outcome?.kind === 'failed' ? outcome.message : ''}
      </p>
    </section>
  )
}
