/**
 * Micro-units as an amount for people to read, without floating point: two decimals as money is
 * usually written, more only when the amount has them (5.00, 12.50, 0.000123), never rounded.
 */
export function unitsText(micro: number): string {
  const sign = micro < 0 ? '-' : ''
  const magnitude = Math.abs(micro)
  const fraction = String(magnitude % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0')
  return `${sign}${Math.trunc(magnitude / 1_000_000)}.${fraction}`
}
