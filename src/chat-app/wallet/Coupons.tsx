'use client'

import { useId, useState, type FormEvent } from 'react'

import { api, money } from '../api'
import { useT } from '../i18n'
import { useApiData } from '../use-api-data'
import { strings } from './strings'
import type { HeldCoupon } from './types'

/**
 * The customer's coupons: claim a published one by its code, and choose the one the next payment
 * uses (the server checks its rules when the order is placed and says what does not fit).
 */
export function Coupons({ selected, onSelect, version }: { selected: string | null; onSelect: (grantId: string | null) => void; version: number }) {
  const t = useT(strings)
  const heading = useId()
  const inputId = useId()
  const held = useApiData<{ coupons: HeldCoupon[] }>(`/api/coupons/mine?v=${version}`)
  const [code, setCode] = useState('')
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)

  async function claim(event: FormEvent) {
    event.preventDefault()
    try {
      const claimed = await api<{ grant: string; coupon: { name: string } }>('/api/coupons/claim', { method: 'POST', json: { code: code.trim() } })
      setCode('')
      setMessage({ ok: true, text: t('claimed', { name: claimed.coupon.name }) })
      held.reload()
      onSelect(claimed.grant)
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message })
    }
  }

  const describe = ({ coupon }: HeldCoupon) =>
    [
      coupon.kind === 'fixed' ? t('couponFixed', { amount: money(coupon.amount) }) : t('couponPercent', { percent: coupon.percent }),
      coupon.minimumSpend > 0 ? t('couponMinimum', { amount: money(coupon.minimumSpend) }) : '',
    ]
      .filter(Boolean)
      .join(', ')

  const coupons = held.data?.coupons ?? []
  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('coupons')}</h2>
      {coupons.length > 0 && (
        <fieldset className="wallet-presets">
          <legend>{t('couponUse')}</legend>
          <label className="wallet-chip">
            <input type="radio" name="wallet-coupon" checked={selected === null} onChange={() => onSelect(null)} />
            {t('noCoupon')}
          </label>
          {coupons.map((held) => (
            <label key={held.grantId} className="wallet-chip">
              <input type="radio" name="wallet-coupon" checked={selected === held.grantId} onChange={() => onSelect(held.grantId)} />
              {held.coupon.name} · {describe(held)}
            </label>
          ))}
        </fieldset>
      )}
      <form className="wallet-inline-form" onSubmit={claim}>
        <label htmlFor={inputId} className="wallet-label">
          {t('couponCode')}
        </label>
        <div className="wallet-row">
          <input id={inputId} value={code} onChange={(event) => setCode(event.target.value)} autoComplete="off" spellCheck={false} required />
          <button type="submit" disabled={!code.trim()}>
            {t('claim')}
          </button>
        </div>
      </form>
      <p role="status" className={message && !message.ok ? 'wallet-error' : 'wallet-success'}>
        {message?.text ?? ''}
      </p>
    </section>
  )
}
