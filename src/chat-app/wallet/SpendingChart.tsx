'use client'

import { useEffect, useId, useState } from 'react'

import { api, money } from '../api'
import { useLocale, useT } from '../i18n'
import { spendingByDay, windowStart } from './model'
import { strings } from './strings'
import type { Page, UsageLog } from './types'

const DAYS = 14
const PAGE_SIZE = 1000
const WIDTH = 336
const HEIGHT = 140
const AXIS = 18
const SLOT = WIDTH / DAYS

/** Every charged request since `from`, page by page, with only the two fields the chart needs. */
async function chargesSince(from: Date, signal: AbortSignal): Promise<UsageLog[]> {
  const query = `where[createdAt][greater_than_equal]=${encodeURIComponent(from.toISOString())}&where[charge][greater_than]=0&select[charge]=true&select[createdAt]=true&depth=0&limit=${PAGE_SIZE}`
  const logs: UsageLog[] = []
  for (let page = 1; ; page++) {
    const answer = await api<Page<UsageLog>>(`/api/usage-logs?${query}&page=${page}`, { signal })
    logs.push(...answer.docs)
    if (!answer.hasNextPage) return logs
  }
}

/** The last 14 days' spending as bars, today on the right. */
export function SpendingChart({ currency }: { currency: string }) {
  const t = useT(strings)
  const { locale } = useLocale()
  const heading = useId()
  const [days, setDays] = useState<{ day: string; total: number }[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    const now = new Date()
    chargesSince(windowStart(now, DAYS), controller.signal).then(
      (logs) => setDays(spendingByDay(logs, now, DAYS)),
      (failure: Error) => !controller.signal.aborted && setError(failure.message),
    )
    return () => controller.abort()
  }, [])

  const total = days?.reduce((sum, day) => sum + day.total, 0) ?? 0
  const peak = Math.max(0, ...(days ?? []).map((day) => day.total))
  const label = (day: string) => new Date(`${day}T00:00:00`).toLocaleDateString(locale, { month: 'numeric', day: 'numeric' })
  const amount = (micro: number) => `${money(micro)} ${currency}`.trim()

  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('spendingTitle')}</h2>
      {error && <p role="alert" className="wallet-error">{error}</p>}
      {days && (
        <figure className="wallet-chart">
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('spendingSummary', { total: amount(total), highest: amount(peak) })}>
            <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} className="wallet-chart-axis" />
            {days.map((day, index) => {
              const height = peak ? ((HEIGHT - AXIS - 14) * day.total) / peak : 0
              const x = index * SLOT
              return (
                <g key={day.day}>
                  <rect x={x + SLOT * 0.15} width={SLOT * 0.7} y={HEIGHT - AXIS - height} height={height} rx={2} className="wallet-chart-bar">
                    <title>{`${label(day.day)}: ${amount(day.total)}`}</title>
                  </rect>
                  {/* Every other day is labelled: fourteen dates do not fit under the bars on a phone. */}
                  {(DAYS - 1 - index) % 2 === 0 && (
                    <text x={x + SLOT / 2} y={HEIGHT - 4} textAnchor="middle" className="wallet-chart-label">
                      {label(day.day)}
                    </text>
                  )}
                </g>
              )
            })}
            {peak > 0 && (
              <text x={WIDTH} y={10} textAnchor="end" className="wallet-chart-label">
                {t('highest', { amount: amount(peak) })}
              </text>
            )}
          </svg>
          <figcaption className="wallet-hint">{t('spendingTotal', { total: amount(total) })}</figcaption>
        </figure>
      )}
    </section>
  )
}
