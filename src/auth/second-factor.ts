import { APIError, type Payload, type PayloadRequest } from 'payload'
import QRCode from 'qrcode'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'

import { inRequestTransaction } from '../db/request-transaction'
import { counters } from '../lib/counters'
import { redisOf } from '../lib/redis'
import type { Secrets } from '../lib/secrets'
import type { AuthSlug } from './session'
import { codeStep, mustUseSecondFactor, newRecoveryCodes, newTotpSecret, otpauthUrl, requiredByRole, sessionPassed, spendRecoveryCode, type SecondFactorHolder } from './totp'

/** An account's second-factor columns as stored; the API never reads or writes them. */
type StoredAccount = {
  id: string | number
  email?: string | null
  totpEnabled?: boolean | null
  totpSecret?: string | null
  totpPendingSecret?: string | null
  totpRecoveryCodes?: unknown
  totpSessions?: unknown
  totpLastStep?: number | null
  sessions?: Array<{ id: string }> | null
}

/** What a person offers as proof: a code from their app, or one of their recovery codes. */
export type SecondFactorAnswer = { code?: string; recoveryCode?: string }

const WRONG_GUESSES = 5
const WRONG_GUESS_WINDOW_SECONDS = 15 * 60

// Counted through Redis when REDIS_URL is set, so several instances share one count per account.
const wrongGuessCounters = new WeakMap<Payload, RateLimiterAbstract>()
function wrongGuesses(payload: Payload): RateLimiterAbstract {
  let counter = wrongGuessCounters.get(payload)
  if (!counter) {
    counter = counters(redisOf(payload), 'modelgate:second-factor')('wrong', WRONG_GUESS_WINDOW_SECONDS)
    wrongGuessCounters.set(payload, counter)
  }
  return counter
}

const refuse = (message: string, status: number, data: Record<string, unknown> | null = null) => new APIError(message, status, data, true)

export function staffTotpRequired(payload: Payload): boolean {
  return payload.config.custom?.staffTotpRequired === true
}

export async function readAccount(req: PayloadRequest, slug: AuthSlug, id: string | number): Promise<StoredAccount> {
  const account = await req.payload.db.findOne<StoredAccount>({ collection: slug, where: { id: { equals: id } }, req })
  if (!account) throw refuse('No such account.', 404)
  return account
}

async function writeAccount(req: PayloadRequest, slug: AuthSlug, id: string | number, data: Record<string, unknown>) {
  await req.payload.db.updateOne({ collection: slug, id, data, req, returning: false })
}

/**
 * Records `step` as the account's last used code unless it (or a later one) was used already, so a
 * code seen over a shoulder or in a proxy log cannot sign in again, even in a race. SQL databases
 * decide in one conditional update; MongoDB (not exercised by the tests) reads, then writes.
 */
async function takeStep(req: PayloadRequest, slug: AuthSlug, account: StoredAccount, step: number): Promise<boolean> {
  if (req.payload.db.name === 'mongoose') {
    if ((account.totpLastStep ?? -1) >= step) return false
    await writeAccount(req, slug, account.id, { totpLastStep: step })
    return true
  }
  const taken = await inRequestTransaction(req, (tx) =>
    tx.query(`UPDATE ${slug} SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?) RETURNING id`, [step, account.id, step]),
  )
  return taken.length > 0
}

/** Only the answer's own strings: anything else a client sends is ignored. */
export function answerIn(body: unknown): SecondFactorAnswer | null {
  const { code, recoveryCode, totp } = (body ?? {}) as Record<string, unknown>
  const digits = typeof code === 'string' ? code : typeof totp === 'string' ? totp : undefined
  if (digits?.trim()) return { code: digits }
  if (typeof recoveryCode === 'string' && recoveryCode.trim()) return { recoveryCode }
  return null
}

/**
 * Checks `answer` against the account's enabled second factor, spending a recovery code that
 * matches. Five wrong answers in 15 minutes lock the account's second factor (429) for the rest of
 * them, whichever way it is asked.
 */
export async function answerMatches(req: PayloadRequest, slug: AuthSlug, account: StoredAccount, secrets: Secrets, answer: SecondFactorAnswer): Promise<boolean> {
  const key = `${slug}:${account.id}`
  const wrong = wrongGuesses(req.payload)
  const counted = await wrong.get(key)
  if (counted && counted.consumedPoints >= WRONG_GUESSES) {
    throw refuse('Too many wrong codes. Try again in 15 minutes.', 429, { code: 'totp_rate_limited' })
  }
  let matches = false
  if (answer.code && account.totpSecret) {
    const step = codeStep(secrets.open(account.totpSecret), answer.code)
    matches = step !== null && (await takeStep(req, slug, account, step))
  } else if (answer.recoveryCode) {
    const remaining = spendRecoveryCode(account.totpRecoveryCodes, answer.recoveryCode)
    if (remaining) await writeAccount(req, slug, account.id, { totpRecoveryCodes: remaining })
    matches = remaining !== null
  }
  if (matches) await wrong.delete(key)
  else await wrong.penalty(key, 1)
  return matches
}

/** Records that session `sid` passed the second factor, forgetting sessions that have ended. */
export async function markSessionPassed(req: PayloadRequest, slug: AuthSlug, id: string | number, sid: unknown) {
  if (typeof sid !== 'string') return
  const account = await readAccount(req, slug, id)
  const live = new Set((account.sessions ?? []).map((session) => session.id))
  const passed = Array.isArray(account.totpSessions) ? account.totpSessions.filter((other) => live.has(other)) : []
  await writeAccount(req, slug, id, { totpSessions: [...new Set([...passed, sid])] })
}

type SignedIn = NonNullable<PayloadRequest['user']> & SecondFactorHolder

function holderOf(user: SignedIn, account: StoredAccount): SecondFactorHolder {
  return { collection: user.collection, role: user.role, _sid: user._sid, totpEnabled: account.totpEnabled, totpSessions: account.totpSessions }
}

export async function secondFactorStatus(req: PayloadRequest, slug: AuthSlug, user: SignedIn) {
  const holder = holderOf(user, await readAccount(req, slug, user.id))
  return { enabled: Boolean(holder.totpEnabled), required: mustUseSecondFactor(holder, staffTotpRequired(req.payload)), verified: sessionPassed(holder) }
}

const alreadyOn = () => refuse('Two-factor sign-in is already on.', 409)

/** A new secret, kept sealed as pending until a code from it proves the app has it. */
export async function startEnrolment(req: PayloadRequest, slug: AuthSlug, user: SignedIn, secrets: Secrets) {
  const account = await readAccount(req, slug, user.id)
  // Otherwise a password alone would be enough to replace the second factor.
  if (account.totpEnabled) throw alreadyOn()
  const secret = newTotpSecret()
  const url = otpauthUrl(String(account.email ?? user.id), secret)
  await writeAccount(req, slug, user.id, { totpPendingSecret: secrets.seal(secret) })
  return { secret, otpauthUrl: url, qrDataUrl: await QRCode.toDataURL(url) }
}

const wrongCode = () => refuse('That code is not right.', 400, { code: 'totp_invalid' })

/** Turns the second factor on; the recovery codes are answered this once and stored only as hashes. */
export async function finishEnrolment(req: PayloadRequest, slug: AuthSlug, user: SignedIn, secrets: Secrets, answer: SecondFactorAnswer | null) {
  const account = await readAccount(req, slug, user.id)
  if (account.totpEnabled) throw alreadyOn()
  if (!account.totpPendingSecret) throw refuse('Start the set-up first.', 400)
  if (!answer?.code) throw refuse('Enter the code from your authenticator app.', 400)
  const pending = { ...account, totpSecret: account.totpPendingSecret }
  if (!(await answerMatches(req, slug, pending, secrets, { code: answer.code }))) throw wrongCode()
  const recovery = newRecoveryCodes()
  await writeAccount(req, slug, user.id, {
    totpEnabled: true,
    totpSecret: account.totpPendingSecret,
    totpPendingSecret: null,
    totpRecoveryCodes: recovery.hashes,
    totpSessions: [],
  })
  await markSessionPassed(req, slug, user.id, user._sid)
  return { enabled: true, recoveryCodes: recovery.codes }
}

async function enabledAccount(req: PayloadRequest, slug: AuthSlug, user: SignedIn) {
  const account = await readAccount(req, slug, user.id)
  if (!account.totpEnabled) throw refuse('Two-factor sign-in is not on.', 409)
  return account
}

export async function passSecondFactor(req: PayloadRequest, slug: AuthSlug, user: SignedIn, secrets: Secrets, answer: SecondFactorAnswer | null) {
  const account = await enabledAccount(req, slug, user)
  if (!answer) throw refuse('Enter a code from your authenticator app or a recovery code.', 400)
  if (!(await answerMatches(req, slug, account, secrets, answer))) throw wrongCode()
  await markSessionPassed(req, slug, user.id, user._sid)
  return { verified: true }
}

export async function turnOff(req: PayloadRequest, slug: AuthSlug, user: SignedIn, secrets: Secrets, answer: SecondFactorAnswer | null) {
  const account = await enabledAccount(req, slug, user)
  if (requiredByRole(holderOf(user, account), staffTotpRequired(req.payload))) {
    throw refuse('Your role must sign in with a second factor; it cannot be turned off.', 403)
  }
  if (!answer) throw refuse('Enter the code from your authenticator app.', 400)
  if (!(await answerMatches(req, slug, account, secrets, answer))) throw wrongCode()
  await writeAccount(req, slug, user.id, { totpEnabled: false, totpSecret: null, totpPendingSecret: null, totpRecoveryCodes: null, totpSessions: null })
  return { enabled: false }
}
