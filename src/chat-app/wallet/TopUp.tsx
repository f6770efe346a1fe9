'use client'

import { useId, useState, type FormEvent } from 'react'

import { money } from '../api'
import { useT } from '../i18n'
import { MICRO, parseAmount, topUpProblem } from './model'
import { strings } from './strings'
import type { CheckoutRequest, WalletConfig } from './types'

const CUSTOM = 'custom'

/** Adds money through a payment channel: a preset or an amount of one's own, from the minimum up. */
export function TopUp({ config, busy, onCheckout }: { config: WalletConfig; busy: boolean; onCheckout: (request: CheckoutRequest) => void }) {
  const t = useT(strings)
  const heading = useId()
  const customId = useId()
  const problemId = useId()
  const [choice, setChoice] = useState<string>(config.topUpPresets.length > 0 ? String(config.topUpPresets[0]) : CUSTOM)
  const [custom, setCustom] = useState('')
  const [touched, setTouched] = useState(false)

  const amount = choice === CUSTOM ? parseAmount(custom) : Math.round(Number(choice) * MICRO)
  const problem = topUpProblem(amount, { presets: config.topUpPresets, minimum: config.minimumTopUp })
  const showProblem = problem && (choice !== CUSTOM || touched)

  // Each channel is a submit button; Enter in the amount field uses the first.
  const pay = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setTouched(true)
    const channel = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value') ?? config.channels[0]!.id
    if (!problem && amount !== null) onCheckout({ kind: 'top-up', amount, channel })
  }

  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('topUp')}</h2>
      <form onSubmit={pay}>
        <fieldset className="wallet-presets">
          <legend>{t('amount')}</legend>
          {config.topUpPresets.map((units) => (
            <label key={units} className="wallet-chip">
              <input type="radio" name="wallet-amount" value={String(units)} checked={choice === String(units)} onChange={() => setChoice(String(units))} />
              {money(Math.round(units * MICRO))} {config.currency}
            </label>
          ))}
          <label className="wallet-chip">
            <input type="radio" name="wallet-amount" value={CUSTOM} checked={choice === CUSTOM} onChange={() => setChoice(CUSTOM)} />
            {t('customAmount')}
          </label>
        </fieldset>
        {choice === CUSTOM && (
          <div className="wallet-field">
            <label htmlFor={customId}>{t('customAmountLabel', { currency: config.currency })}</label>
            <input
              id={customId}
              inputMode="decimal"
              autoComplete="off"
              value={custom}
              onChange={(event) => setCustom(event.target.value)}
              onBlur={() => setTouched(true)}
              aria-invalid={!!showProblem}
              aria-describedby={problemId}
              placeholder={config.minimumTopUp > 0 ? money(config.minimumTopUp) : undefined}
            />
          </div>
        )}
        <p id={problemId} className={showProblem ? 'wallet-error' : 'wallet-hint'} aria-live="polite">
          {showProblem ? t(`amount_${problem}`, { minimum: money(config.minimumTopUp) }) : config.minimumTopUp > 0 ? t('minimumHint', { minimum: money(config.minimumTopUp) }) : ''}
        </p>
        <div className="wallet-actions">
          {config.channels.map((channel) => (
            <button key={channel.id} type="submit" name="channel" value={channel.id} disabled={busy}>
              {t('payWith', { channel: channel.label })}
            </button>
          ))}
        </div>
      </form>
    </section>
  )
}
