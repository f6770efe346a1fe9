'use client'

import { useId } from 'react'

import { money } from '../api'
import { useT } from '../i18n'
import { strings } from './strings'
import type { Balances as BalancesOf } from './types'

/** What the customer can spend, and from which bucket (gift is spent first, then cash, then credit). */
export function Balances({ balances, currency }: { balances?: BalancesOf; currency: string }) {
  const t = useT(strings)
  const heading = useId()
  const amount = (micro: number | undefined, testId?: string) => (
    <span className="wallet-amount">
      <span data-testid={testId}>{micro === undefined ? '–' : money(micro)}</span> <span className="wallet-currency">{currency}</span>
    </span>
  )
  const hasCredit = !!balances && (balances.creditLimit > 0 || balances.credit !== 0)
  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('balances')}</h2>
      <p className="wallet-available">
        <span className="wallet-label">{t('available')}</span>
        {amount(balances?.available, 'balance-available')}
      </p>
      <dl className="wallet-balances">
        <div>
          <dt>{t('cash')}</dt>
          <dd>{amount(balances?.cash, 'balance-cash')}</dd>
        </div>
        <div>
          <dt>{t('gift')}</dt>
          <dd>{amount(balances?.gift, 'balance-gift')}</dd>
        </div>
        {hasCredit && (
          <div>
            <dt>{t('credit')}</dt>
            <dd>
              {amount(balances.credit, 'balance-credit')}
              <span className="wallet-hint"> {t('creditLimit', { limit: money(balances.creditLimit) })}</span>
            </dd>
          </div>
        )}
      </dl>
      {!!balances?.reserved && <p className="wallet-hint">{t('reserved', { amount: money(balances.reserved) })}</p>}
    </section>
  )
}
