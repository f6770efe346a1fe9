/** The wallet's arithmetic, apart from React: amounts people type, top-up rules and spending per day. */

export const MICRO = 1_000_000

/**
 * An amount typed in currency units ("50", "12.5", "0.01") as micro-units; null for anything else,
 * including more than two decimals (the server takes whole cents) and amounts too large to be exact.
 */
export function parseAmount(input: string): number | null {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(input.trim())
  if (!match) return null
  const micro = Number(match[1]) * MICRO + Number((match[2] ?? '').padEnd(6, '0'))
  return Number.isSafeInteger(micro) ? micro : null
}

export type TopUpRules = { presets: number[]; minimum: number }

export type TopUpProblem = 'invalid' | 'zero' | 'minimum'

/** Why the server would refuse this top-up (it checks the same): presets in units are always allowed, other amounts from the minimum (micro) up. */
export function topUpProblem(amount: number | null, rules: TopUpRules): TopUpProblem | null {
  if (amount === null) return 'invalid'
  if (amount <= 0) return 'zero'
  if (rules.presets.some((units) => Math.round(units * MICRO) === amount)) return null
  return amount < rules.minimum ? 'minimum' : null
}

/** A calendar day in the viewer's time zone, `YYYY-MM-DD`. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** Midnight (local) `days - 1` days before `now`'s day: where a window of `days` days ending today starts. */
export function windowStart(now: Date, days: number): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1))
}

/** Charges summed per local day over the `days` days ending today, oldest first, empty days as 0. */
export function spendingByDay(logs: { createdAt: string; charge?: number | null }[], now: Date, days = 14): { day: string; total: number }[] {
  const start = windowStart(now, days)
  const totals = new Map<string, number>()
  for (let i = 0; i < days; i++) totals.set(localDay(new Date(start.getFullYear(), start.getMonth(), start.getDate() + i)), 0)
  for (const log of logs) {
    const day = localDay(new Date(log.createdAt))
    const total = totals.get(day)
    if (total !== undefined) totals.set(day, total + (log.charge ?? 0))
  }
  return Array.from(totals, ([day, total]) => ({ day, total }))
}

/**
 * A fresh Idempotency-Key. `crypto.randomUUID` exists only on https and localhost; operators
 * reach their server over plain http too, where `getRandomValues` still works.
 */
export function idempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
