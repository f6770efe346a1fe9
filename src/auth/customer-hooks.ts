import { randomBytes } from 'node:crypto'

import {
  APIError,
  type CollectionAfterChangeHook,
  type CollectionBeforeChangeHook,
  type CollectionBeforeLoginHook,
  type CollectionBeforeOperationHook,
  type FieldAccess,
  type PayloadRequest,
} from 'payload'

import { isStaff } from '../access/staff'
import { announceCatalogChange } from '../relay/catalog-store'
import { emailDomainAllowed, passwordProblem } from './password-policy'
import { assertMaySignIn } from './session'
import { readAuthSettings } from './settings'
import { refusal } from '../lib/payload-errors'

/** Set in `context` by the SMS and WeChat flows, which create accounts without email or password checks. */
export const SIGN_UP_METHOD = 'modelgate.signUpMethod'

export const REFERRAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** Eight characters without look-alikes (0/O, 1/I), easy to read out. */
export function newReferralCode(): string {
  return Array.from(randomBytes(8), (byte) => REFERRAL_ALPHABET[byte % REFERRAL_ALPHABET.length]).join('')
}


/** The operator's password rules apply to every password set: sign-up, change, reset, staff. */
export const enforcePasswordPolicy: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  const password = (args as { data?: { password?: unknown } }).data?.password
  if (!['create', 'update', 'resetPassword'].includes(operation) || typeof password !== 'string') return args
  if (req.context[SIGN_UP_METHOD]) return args
  const { passwordPolicy } = await readAuthSettings(req.payload, { req })
  const problem = passwordProblem(password, passwordPolicy ?? {})
  if (problem) throw refusal(problem, { path: 'password' })
  return args
}

/** Set once prepareSignUp has decided the fields a customer may not choose for themselves. */
const SIGN_UP_PREPARED = 'modelgate.signUpPrepared'

/** Staff, or the sign-up hooks, which overwrite whatever a visitor sent. */
export const staffOrSignUp: FieldAccess = ({ req }) => isStaff(req.user) || req.context[SIGN_UP_PREPARED] === true

/** A visitor signing themselves up over REST or GraphQL, as opposed to staff or our own server code. */
const isVisitorSignUp = (req: PayloadRequest) => !req.user && req.payloadAPI !== 'local' && !req.context[SIGN_UP_METHOD]

/**
 * Whether a new account starts verified: a visitor's only when the operator switched
 * verification off; accounts our own code creates (SMS, WeChat, seeds) always; staff choose. A
 * verified account is sent no verification mail.
 */
export const prepareSignUp: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'create') return args
  const data = (args as { data: Record<string, unknown> }).data
  if (!isStaff(req.user)) {
    if (isVisitorSignUp(req)) data._verified = !(await readAuthSettings(req.payload, { req })).emailVerification
    else data._verified ??= true
    req.context[SIGN_UP_PREPARED] = true
  }
  if (data._verified === true) (args as { disableVerificationEmail?: boolean }).disableVerificationEmail = true
  return args
}

/**
 * A sign-up by a visitor: an email is required and must be in an allowed domain. Every new
 * account gets a referral code of its own and, when referrals are on, the referrer whose code it
 * brought.
 */
export const checkSignUp: CollectionBeforeChangeHook = async ({ data, operation, req }) => {
  if (operation !== 'create') return data
  const settings = await readAuthSettings(req.payload, { req })
  if (isVisitorSignUp(req)) {
    if (typeof data.email !== 'string' || !data.email) throw refusal('An email address is required.', { path: 'email' })
    if (!emailDomainAllowed(data.email, settings.emailDomains)) {
      throw refusal(`Sign-up is open to these email domains only: ${settings.emailDomains!.join(', ')}.`, { path: 'email' })
    }
  }
  req.context[SIGN_UP_PREPARED] = true
  const { referral, referredBy: _chosen, ...rest } = data
  const next: typeof data = { ...rest, referralCode: newReferralCode() }
  if (settings.referrals && typeof referral === 'string') {
    const referrer = await referrerOf(req, referral)
    if (referrer) next.referredBy = referrer
  }
  return next
}

/** The customer whose referral code this is (typed any case), none for no code; 400 for a code that names nobody. */
export async function referrerOf(req: PayloadRequest, code: string): Promise<string | null> {
  const wanted = code.trim().toUpperCase()
  if (!wanted) return null
  const { docs } = await req.payload.find({ collection: 'users', where: { referralCode: { equals: wanted } }, depth: 0, limit: 1, overrideAccess: true, req })
  if (!docs[0]) throw refusal('That referral code does not exist.', { path: 'referral' })
  return String(docs[0].id)
}

/** Frozen customers and organizations' accounts never sign in; password sign-in can be switched off. */
export const refuseCustomerSignIn: CollectionBeforeLoginHook = async ({ req, user }) => {
  assertMaySignIn(user)
  if (isStaff(req.user)) return user
  const settings = await readAuthSettings(req.payload, { req })
  if (!settings.emailSignIn) throw new APIError('Sign-in with a password is switched off.', 403, { code: 'method_disabled' }, true)
  return user
}

/**
 * Freezing ends the customer's sessions at once and tells the relay, which then refuses their keys
 * with 403 account_frozen; unfreezing gives the keys back.
 */
export const revokeSessionsOnFreeze: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation !== 'update' || Boolean(doc.frozen) === Boolean(previousDoc?.frozen)) return doc
  if (doc.frozen) {
    await req.payload.db.updateOne({ collection: 'users', id: doc.id, data: { sessions: [] }, req, returning: false })
  }
  announceCatalogChange('users')
  return doc
}
