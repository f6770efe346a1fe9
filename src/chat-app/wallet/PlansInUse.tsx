'use client'

import { useId } from 'react'

import { useLocale, useT } from '../i18n'
import { strings } from './strings'
import type { ResourceLeft, Subscription } from './types'

/** Active plans: what remains of each resource, and when the plan ends. */
export function PlansInUse({ subscriptions }: { subscriptions?: Subscription[] }) {
  const t = useT(strings)
  const { locale } = useLocale()
  const heading = useId()
  if (!subscriptions?.length) return null
  const count = (n: number) => n.toLocaleString(locale)
  const left = (resource: ResourceLeft) =>
    resource.limit < 0
      ? t('unlimited')
      : t('remainingOf', { remaining: count(resource.remaining), limit: count(resource.limit), meter: t(`meter_${resource.meter}`) })
  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('plansInUse')}</h2>
      <ul className="wallet-list">
        {subscriptions.map((subscription) => (
          <li key={subscription.id} className="wallet-card">
            <div className="wallet-card-head">
              <strong>{subscription.name ?? t('plan')}</strong>
              <span className="wallet-hint">{t('expires', { date: new Date(subscription.expiresAt).toLocaleDateString(locale) })}</span>
            </div>
            <ul className="wallet-resources">
              {subscription.resources.map((resource, index) => (
                <li key={index}>
                  <div className="wallet-row wallet-spread">
                    <span>{resource.name ?? resource.models.join(', ')}</span>
                    <span>{left(resource)}</span>
                  </div>
                  {resource.limit > 0 && <progress className="wallet-progress" max={resource.limit} value={resource.remaining} aria-label={`${resource.name ?? ''} ${left(resource)}`.trim()} />}
                  <div className="wallet-hint">{resource.models.join(', ')}</div>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  )
}
