/** Micro-units (1,000,000 = one unit) and the two-decimal strings payment gateways speak. */

const MICRO_PER_CENT = 10_000

/** `12.34` for 12,340,000 micro-units; gateways take two decimals, so sub-cent amounts are refused. */
export function toDecimal(micro: number): string {
  if (!Number.isSafeInteger(micro) || micro % MICRO_PER_CENT !== 0) throw new Error(`${micro} micro-units is not a whole number of cents.`)
  const cents = micro / MICRO_PER_CENT
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

/** Micro-units of a gateway's decimal string ("12.3", "12.34", "12"); undefined when it is not one. */
export function fromDecimal(text: string): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return undefined
  return (Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))) * MICRO_PER_CENT
}

/** Micro-units in the smallest unit of the currency (fen, cents), as WeChat Pay and Stripe count. */
export const toCents = (micro: number) => Number(toDecimal(micro).replace('.', ''))

/** Micro-units of an amount in cents. */
export const fromCents = (cents: number) => cents * MICRO_PER_CENT
