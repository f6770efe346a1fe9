import { randomInt, timingSafeEqual } from 'node:crypto'

import { APIError, type Payload, type Where } from 'payload'

import { num, sqlRunnerOf } from '../../billing/sql'
import type { Secrets } from '../../lib/secrets'
import type { SmsProvider, SmsSettings } from './provider'
import { refusal } from '../../lib/payload-errors'

/** Wrong guesses a code survives; with six digits that leaves a guesser 5 in a million per code. */
export const MAX_TRIES = 5

const HOUR = 3_600
const DAY = 86_400

/** Too many codes asked for; `retryAfter` (seconds) goes out as the Retry-After header. */
export class TooManyCodes extends APIError {
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message, 429, { code: 'too_many_codes', retryAfter }, true)
  }
}

const refused = (message: string) => refusal(message, { path: 'code' })

// The phone is part of the hash, so a code sent to one number never matches another's row.
const hashOf = (secrets: Secrets, phone: string, code: string) => secrets.fingerprint(`sms:${phone}:${code}`)

/** Seconds until fewer than `max` codes matching `where` fall within the last `windowSeconds`; 0 now. */
async function secondsUntilFree(payload: Payload, where: Where, windowSeconds: number, max: number): Promise<number> {
  if (!windowSeconds || !max) return 0
  const since = new Date(Date.now() - windowSeconds * 1000).toISOString()
  const { docs, totalDocs } = await payload.find({
    collection: 'sms-codes',
    where: { and: [where, { createdAt: { greater_than: since } }] },
    sort: 'createdAt',
    limit: 1,
    depth: 0,
  })
  if (totalDocs < max) return 0
  return Math.max(1, Math.ceil((Date.parse(docs[0].createdAt) + windowSeconds * 1000 - Date.now()) / 1000))
}

/** Settings left at 0 switch a limit off. */
async function enforceLimits(payload: Payload, phone: string, ip: string | null, settings: SmsSettings) {
  const limits: [Where | null, number, number, string][] = [
    [{ phone: { equals: phone } }, settings.resendSeconds ?? 60, 1, 'A code was just sent to this number. Wait before asking for another.'],
    [{ phone: { equals: phone } }, DAY, settings.perPhonePerDay ?? 10, 'This number has been sent too many codes today.'],
    [ip ? { ip: { equals: ip } } : null, HOUR, settings.perIpPerHour ?? 20, 'Too many codes were asked for from your network. Try again later.'],
  ]
  for (const [where, windowSeconds, max, message] of limits) {
    const wait = where ? await secondsUntilFree(payload, where, windowSeconds, max) : 0
    if (wait) throw new TooManyCodes(message, wait)
  }
}

/**
 * Sends a new code to `phone`; earlier codes stop working, since only the latest is checked. A code
 * the provider failed to deliver is deleted: it cannot be used, and it does not count against the
 * customer's limits since they received nothing.
 */
export async function issueCode(
  payload: Payload,
  secrets: Secrets,
  { phone, ip, settings, provider }: { phone: string; ip: string | null; settings: SmsSettings; provider: SmsProvider },
): Promise<{ expiresIn: number; resendIn: number }> {
  await enforceLimits(payload, phone, ip, settings)
  const expiresIn = settings.codeTtlSeconds ?? 300
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  const issued = await payload.create({
    collection: 'sms-codes',
    data: { phone, ip, codeHash: hashOf(secrets, phone, code), expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(), attempts: 0 },
  })
  try {
    await provider.send(phone, code)
  } catch (error) {
    await payload.delete({ collection: 'sms-codes', id: issued.id })
    throw error
  }
  return { expiresIn, resendIn: settings.resendSeconds ?? 60 }
}

type Try = { outcome: 'spent' } | { outcome: 'wrong'; triesLeft: number } | { outcome: 'gone' }

/**
 * Checks `code` against the latest code sent to `phone` and, when right, marks it used; returns
 * its id. Every try is counted in the same statement that checks the count, so parallel guesses
 * cannot get past MAX_TRIES, and a row lock (SQLite: the writer lock) lets one sign-in spend a code.
 */
export async function spendCode(payload: Payload, secrets: Secrets, phone: string, code: string): Promise<string> {
  if (!/^\d{6}$/.test(code)) throw refused('Enter the 6-digit code from the SMS.')
  const { docs } = await payload.find({ collection: 'sms-codes', where: { phone: { equals: phone } }, sort: '-createdAt', limit: 1, depth: 0 })
  const latest = docs[0]
  if (!latest) throw refused('No code was sent to this number. Ask for a code first.')
  if (latest.usedAt) throw refused('This code was already used. Ask for a new one.')
  if (Date.parse(latest.expiresAt) <= Date.now()) throw refused('This code has expired. Ask for a new one.')
  if ((latest.attempts ?? 0) >= MAX_TRIES) throw refused('Too many wrong codes. Ask for a new one.')

  const expected = Buffer.from(hashOf(secrets, phone, code))
  const result = await sqlRunnerOf(payload).transaction(async (tx): Promise<Try> => {
    const [tried] = await tx.query('UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ? AND used_at IS NULL AND attempts < ? RETURNING attempts, code_hash', [latest.id, MAX_TRIES])
    if (!tried) return { outcome: 'gone' }
    const stored = Buffer.from(String(tried.code_hash))
    if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) return { outcome: 'wrong', triesLeft: MAX_TRIES - num(tried.attempts) }
    await tx.query('UPDATE sms_codes SET used_at = ? WHERE id = ?', [new Date(), latest.id])
    return { outcome: 'spent' }
  })
  if (result.outcome === 'gone') throw refused('This code can no longer be used. Ask for a new one.')
  if (result.outcome === 'wrong') {
    throw refused(result.triesLeft ? `Wrong code. ${result.triesLeft} ${result.triesLeft === 1 ? 'try' : 'tries'} left.` : 'Wrong code, and no tries left. Ask for a new one.')
  }
  return latest.id
}

/** Gives a spent code back when the sign-in it was spent on failed, so a mistyped referral costs no new SMS. */
export async function refundCode(payload: Payload, codeId: string) {
  await sqlRunnerOf(payload).transaction((tx) => tx.query('UPDATE sms_codes SET used_at = NULL WHERE id = ?', [codeId]))
}
