'use client'

import { useId, useState } from 'react'

import { api, money } from '../api'
import { useLocale, useT } from '../i18n'
import { useApiData } from '../use-api-data'
import { idempotencyKey } from './model'
import { strings } from './strings'
import type { CheckoutRequest, Page, Plan, PlanResource } from './types'

const PLANS = '/api/plans?where[onSale][equals]=true&depth=1&sort=price&limit=100'

/** A purchase from the balance waiting for its confirmation; the key makes a retry buy once. */
type Confirming = { planId: string; key: string }

/** Plans on sale: bought from the balance (after a confirmation) or paid through a channel. */
export function PlansForSale(props: {
  available?: number
  currency: string
  channels: { id: string; label: string }[]
  busy: boolean
  onCheckout: (request: CheckoutRequest) => void
  onBought: () => void
}) {
  const t = useT(strings)
  const { locale } = useLocale()
  const heading = useId()
  const plans = useApiData<Page<Plan>>(PLANS)
  const [confirming, setConfirming] = useState<Confirming | null>(null)
  const [buying, setBuying] = useState(false)
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null)

  if (!plans.data?.docs.length) return null

  async function buy({ planId, key }: Confirming, name: string) {
    setBuying(true)
    setOutcome(null)
    try {
      await api(`/api/plans/${planId}/purchase`, { method: 'POST', headers: { 'Idempotency-Key': key } })
      setConfirming(null)
      setOutcome({ ok: true, message: t('bought', { plan: name }) })
      props.onBought()
    } catch (error) {
      setOutcome({ ok: false, message: (error as Error).message })
    } finally {
      setBuying(false)
    }
  }

  const period = (plan: Plan) =>
    plan.periodUnit === 'until-used-up'
      ? t('untilUsedUp')
      : new Intl.NumberFormat(locale, { style: 'unit', unit: plan.periodUnit.slice(0, -1), unitDisplay: 'long' }).format(plan.periodLength)
  const grant = (resource: PlanResource, multiplier: number) =>
    resource.limit < 0 ? t('unlimited') : `${(resource.limit * multiplier).toLocaleString(locale)} ${t(`meter_${resource.meter}`)}`

  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('plansForSale')}</h2>
      <ul className="wallet-list">
        {plans.data.docs.map((plan) => {
          const affordable = props.available === undefined || props.available >= plan.price
          const resources = (plan.resources ?? []).filter((resource): resource is PlanResource => typeof resource === 'object')
          return (
            <li key={plan.id} className="wallet-card">
              <div className="wallet-card-head">
                <strong>{plan.name}</strong>
                <span>
                  {money(plan.price)} {props.currency} · {period(plan)}
                </span>
              </div>
              {plan.description && <p className="wallet-hint">{plan.description}</p>}
              {resources.length > 0 && (
                <ul className="wallet-resources">
                  {resources.map((resource) => (
                    <li key={resource.id} className="wallet-row wallet-spread">
                      <span>{resource.name}</span>
                      <span>{grant(resource, plan.quantityMultiplier ?? 1)}</span>
                    </li>
                  ))}
                </ul>
              )}
              <div className="wallet-actions">
                {confirming?.planId === plan.id ? (
                  <>
                    <button type="button" disabled={buying} onClick={() => buy(confirming, plan.name)}>
                      {t('confirmBuy', { amount: money(plan.price) })}
                    </button>
                    <button type="button" className="wallet-secondary" onClick={() => setConfirming(null)}>
                      {t('cancel')}
                    </button>
                  </>
                ) : (
                  <>
                    <button type="button" disabled={!affordable} aria-label={`${t('buyWithBalance')}: ${plan.name}`} onClick={() => setConfirming({ planId: plan.id, key: idempotencyKey() })}>
                      {t('buyWithBalance')}
                    </button>
                    {props.channels.map((channel) => (
                      <button key={channel.id} type="button" className="wallet-secondary" disabled={props.busy}
                        aria-label={`${t('payWith', { channel: channel.label })}: ${plan.name}`}
                        onClick={() => props.onCheckout({ kind: 'plan', plan: plan.id, channel: channel.id })}>
                        {t('payWith', { channel: channel.label })}
                      </button>
                    ))}
                  </>
                )}
              </div>
              {!affordable && <p className="wallet-hint">{t('notEnough')}</p>}
            </li>
          )
        })}
      </ul>
      <p role="status" className={outcome?.ok === false ? 'wallet-error' : 'wallet-success'}>
        {outcome?.message ?? ''}
      </p>
    </section>
  )
}
