import { APIError, JWTAuthentication, type AuthStrategyFunction, type CollectionAfterLoginHook, type CollectionBeforeLoginHook, type PayloadRequest } from 'payload'

import type { OutsideAllowList } from '../access/staff'
import { CLIENT_IP_HEADER } from '../http/client-ip'
import { addressAllowed } from '../lib/ip-allow-list'
import type { Secrets } from '../lib/secrets'
import { answerIn, answerMatches, markSessionPassed, readAccount, staffTotpRequired } from './second-factor'
import { startSession, type StartedSession } from './session'
import { readAuthSettings } from './settings'
import { mustUseSecondFactor, sessionPassed, type AwaitingSecondFactor } from './totp'

/**
 * A customer who turned the second factor on signs in with `totp` (or `recoveryCode`) in the login
 * body besides email and password. Runs inside Payload's login, after the password matched.
 */
export function requireSecondFactorAtSignIn(secrets: Secrets): CollectionBeforeLoginHook {
  return async ({ req, user }) => {
    if (user.totpEnabled) await demandSecondFactor(req, user, req.data, secrets)
    return user
  }
}

/** A customer with the second factor on answers it in `body` (`totp` or `recoveryCode`), or is refused with 401. */
async function demandSecondFactor(req: PayloadRequest, account: Parameters<typeof answerMatches>[2], body: unknown, secrets: Secrets) {
  const answer = answerIn(body)
  if (!answer) throw new APIError('Enter the code from your authenticator app.', 401, { code: 'totp_required' }, true)
  if (!(await answerMatches(req, 'users', account, secrets, answer))) {
    throw new APIError('That code is not right.', 401, { code: 'totp_invalid' }, true)
  }
}

/** Whether a customer must answer the second factor to sign in. */
export async function needsSecondFactor(req: PayloadRequest, userId: string): Promise<boolean> {
  return Boolean((await readAccount(req, 'users', userId)).totpEnabled)
}

/**
 * A session for a sign-in without a password (an SMS code, a WeChat scan). The second factor
 * guards these too: a customer who turned it on answers it in `body` as at a password sign-in,
 * and the session counts as having passed it.
 */
export async function signInWithoutPassword(req: PayloadRequest, userId: string, body: unknown, secrets: Secrets): Promise<StartedSession> {
  const account = await readAccount(req, 'users', userId)
  if (account.totpEnabled) await demandSecondFactor(req, account, body, secrets)
  const session = await startSession(req, 'users', userId)
  if (account.totpEnabled) await markSessionPassed(req, 'users', userId, sidOf(session.token))
  return session
}

/** The sid in a token Payload has just signed for this sign-in. */
function sidOf(token: string): unknown {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).sid
}

/** The session a customer's code opened has passed the second factor. */
export const passSessionAtSignIn: CollectionAfterLoginHook = async ({ req, token, user }) => {
  if (user.totpEnabled) await markSessionPassed(req, 'users', user.id, sidOf(token))
  return user
}

/**
 * Payload's own JWT authentication, which also marks a staff member who must pass the second
 * factor and whose session has not yet; staffCan then refuses them everything. A staff token used
 * from outside the admin IP allow-list is marked outside the list and may do nothing (see
 * staffRoleOf), so the list guards every API, not only the back office's pages. Registered on admins, it runs before Payload's JWT strategy
 * and so sees every token.
 */
export const staffSecondFactorStrategy: AuthStrategyFunction = async (args) => {
  const result = await JWTAuthentication({ ...args, strategyName: 'local-jwt' })
  const user = result.user as (typeof result.user & AwaitingSecondFactor) | null
  if (user?.collection === 'admins') {
    const { staff } = await readAuthSettings(args.payload)
    ;(user as OutsideAllowList).outsideAllowList = !addressAllowed(staff?.adminIpAllowList ?? [], args.headers.get(CLIENT_IP_HEADER) ?? '')
    user.secondFactorPending = mustUseSecondFactor(user, staffTotpRequired(args.payload)) && !sessionPassed(user)
  }
  return result
}
