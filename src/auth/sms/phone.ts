import { refusal } from '../../lib/payload-errors'

const MAINLAND_MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/
const INTERNATIONAL = /^\+[1-9]\d{6,14}$/

/**
 * One spelling per phone, so "138 0013 8000" and "+86 138-0013-8000" are the same account:
 * E.164 (`+8613800138000`). Mainland numbers may be typed without the country code.
 */
export function normalizePhone(input: unknown): string {
  const typed = typeof input === 'string' ? input.replace(/[\s\-().]/g, '') : ''
  const mainland = MAINLAND_MOBILE.exec(typed)
  if (mainland) return `+86${mainland[1]}`
  if (INTERNATIONAL.test(typed) && !typed.startsWith('+86')) return typed
  const message = 'Enter a mainland mobile number (11 digits) or an international number starting with +.'
  throw refusal(message, { path: 'phone' })
}

/** A mainland number without its country code, as staff often type it in the admin panel. */
export function nationalNumber(phone: string): string | null {
  return phone.startsWith('+86') ? phone.slice(3) : null
}
