import { createHash, randomBytes } from 'node:crypto'

import { authenticator } from 'otplib'

import type { StaffRole } from '../access/roles'

const ISSUER = 'Modelgate'
const RECOVERY_CODE_COUNT = 10

// One step either side forgives a phone clock some 30 seconds off and a code typed as it rolls over.
const totp = authenticator.clone({ window: 1 })

/** The roles that hold the keys to the platform or its money must sign in with a second factor. */
export const ROLES_REQUIRING_SECOND_FACTOR: readonly StaffRole[] = ['super-admin', 'finance']

/** A new base32 TOTP secret (160 bits, as RFC 4226 recommends). */
export function newTotpSecret(): string {
  return totp.generateSecret(20)
}

/** What an authenticator app scans: issuer "Modelgate", labelled with the account's email. */
export function otpauthUrl(email: string, secret: string): string {
  return totp.keyuri(email, ISSUER, secret)
}

const STEP_MS = 30_000

/**
 * The 30-second time step whose code `code` is (within a step either side of `now`), or null when
 * it is none of them. A code may be used once: callers keep the last step used.
 */
export function codeStep(secret: string, code: string, now = Date.now()): number | null {
  const digits = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(digits)) return null
  const delta = totp.clone({ epoch: now }).checkDelta(digits, secret)
  return delta === null ? null : Math.floor(now / STEP_MS) + delta
}

// Recovery codes carry 48 random bits each, so a plain SHA-256 is enough to keep the stored copies
// useless; a slow hash would only slow every check of all ten.
function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace(/[^0-9a-f]/g, '')).digest('hex')
}

/** Ten codes to show once (`xxxx-xxxx-xxxx`) and the hashes to store in their place. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBytes(6).toString('hex').match(/.{4}/g)!.join('-'))
  return { codes, hashes: codes.map(hashRecoveryCode) }
}

/** The stored hashes without the one `code` matches, or null when it matches none (a code works once). */
export function spendRecoveryCode(hashes: unknown, code: string): string[] | null {
  const unused = Array.isArray(hashes) ? hashes.filter((hash): hash is string => typeof hash === 'string') : []
  const hash = hashRecoveryCode(code)
  return unused.includes(hash) ? unused.filter((other) => other !== hash) : null
}

/** The parts of a signed-in account (Payload's `req.user`) that decide about its second factor. */
export type SecondFactorHolder = {
  collection?: string
  role?: unknown
  totpEnabled?: unknown
  totpSessions?: unknown
  _sid?: unknown
}

/** Staff whose role needs a second factor while the operator enforces it (STAFF_TOTP_REQUIRED). */
export function requiredByRole(account: SecondFactorHolder, staffTotpRequired: boolean): boolean {
  return staffTotpRequired && account.collection === 'admins' && ROLES_REQUIRING_SECOND_FACTOR.includes(account.role as StaffRole)
}

/** Whoever turned it on must use it, whatever their role. */
export function mustUseSecondFactor(account: SecondFactorHolder, staffTotpRequired: boolean): boolean {
  return Boolean(account.totpEnabled) || requiredByRole(account, staffTotpRequired)
}

/** Whether the session this request runs in passed the second factor. */
export function sessionPassed(account: SecondFactorHolder): boolean {
  return typeof account._sid === 'string' && Array.isArray(account.totpSessions) && account.totpSessions.includes(account._sid)
}

/**
 * Set on `req.user` by the staff sign-in strategy (src/auth/second-factor-strategy.ts) for a staff
 * member who must pass the second factor and whose session has not yet.
 */
export type AwaitingSecondFactor = { secondFactorPending?: boolean }

export function awaitsSecondFactor(user: unknown): boolean {
  return Boolean(user && (user as AwaitingSecondFactor).secondFactorPending)
}
