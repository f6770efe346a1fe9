import { APIError, getFieldsToSign, jwtSign, type PayloadRequest } from 'payload'
import { addSessionToUser, generatePayloadCookie } from 'payload/shared'

export type AuthSlug = 'users' | 'admins'

export type StartedSession = {
  token: string
  exp: number
  /** A `Set-Cookie` value for Payload's own auth cookie, so the browser is signed in as after a password sign-in. */
  cookie: string
  userId: string
}

/** Frozen customers and organizations' accounts never get a session, whichever way they sign in. */
export function assertMaySignIn(user: Record<string, unknown>) {
  if (user.frozen) {
    throw new APIError(`This account is frozen${user.frozenReason ? `: ${user.frozenReason}` : '.'}`, 403, { code: 'account_frozen', reason: user.frozenReason ?? null }, true)
  }
  if (user.accountType === 'organization') throw new APIError("An organization's account cannot sign in.", 403, null, true)
}

/**
 * Signs `userId` in without a password, for flows that proved who it is another way (an SMS code,
 * a WeChat scan, a second factor): a Payload session and JWT exactly like a password sign-in's.
 */
export async function startSession(req: PayloadRequest, slug: AuthSlug, userId: string): Promise<StartedSession> {
  const { payload } = req
  const collectionConfig = payload.collections[slug].config
  const user = await payload.db.findOne<Record<string, unknown> & { id: string }>({ collection: slug, where: { id: { equals: userId } }, req })
  if (!user) throw new APIError('No such account.', 404, null, true)
  if (slug === 'users') assertMaySignIn(user)
  const signedIn = { ...user, collection: slug } as unknown as NonNullable<PayloadRequest['user']>
  const { sid } = await addSessionToUser({ collectionConfig, payload, req, user: signedIn })
  const fieldsToSign = getFieldsToSign({ collectionConfig, email: String(user.email ?? ''), sid, user: signedIn })
  const { token, exp } = await jwtSign({ fieldsToSign, secret: payload.secret, tokenExpiration: collectionConfig.auth.tokenExpiration })
  const cookie = generatePayloadCookie({ collectionAuthConfig: collectionConfig.auth, cookiePrefix: payload.config.cookiePrefix, token })
  return { token, exp, cookie, userId: String(user.id) }
}

/**
 * The answer of a customer sign-in endpoint, shaped like Payload's own `/login`: `{message, token,
 * exp, user}` plus the cookie. The account is read as the customer themselves, so fields hidden
 * from them stay hidden, as after a password sign-in.
 */
export async function sessionResponse(req: PayloadRequest, session: StartedSession, extra: Record<string, unknown> = {}): Promise<Response> {
  const id = session.userId
  const user = await req.payload.findByID({ collection: 'users', id, depth: 0, overrideAccess: false, user: { id, collection: 'users' } as never })
  return Response.json(
    { message: 'Signed in.', token: session.token, exp: session.exp, user, ...extra },
    { headers: { 'set-cookie': session.cookie } },
  )
}
