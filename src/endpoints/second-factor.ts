import { APIError, type Endpoint, type PayloadRequest } from 'payload'

import { answerIn, finishEnrolment, passSecondFactor, secondFactorStatus, startEnrolment, turnOff } from '../auth/second-factor'
import type { AuthSlug } from '../auth/session'
import type { Secrets } from '../lib/secrets'

type SignedIn = NonNullable<PayloadRequest['user']>
type Work = (req: PayloadRequest, slug: AuthSlug, user: SignedIn) => Promise<unknown>

/** Runs `work` for the account signed in to the collection the endpoint is mounted on. */
const forSelf =
  (work: Work): Endpoint['handler'] =>
  async (req) => {
    const slug = req.routeParams?.collection
    if (!req.user || req.user.collection !== slug) throw new APIError('Sign in first.', 401, null, true)
    return Response.json(await work(req, slug as AuthSlug, req.user))
  }

const bodyOf = (req: PayloadRequest) => req.json?.().catch(() => undefined)

/**
 * `/api/<users|admins>/second-factor`: the account's own TOTP second factor. These stay open to a
 * staff member whose session has not passed it yet, as they are how it is passed.
 */
export function secondFactorEndpoints(secrets: Secrets): Endpoint[] {
  return [
    { path: '/second-factor', method: 'get', handler: forSelf((req, slug, user) => secondFactorStatus(req, slug, user)) },
    { path: '/second-factor/setup', method: 'post', handler: forSelf((req, slug, user) => startEnrolment(req, slug, user, secrets)) },
    {
      path: '/second-factor/enable',
      method: 'post',
      handler: forSelf(async (req, slug, user) => finishEnrolment(req, slug, user, secrets, answerIn(await bodyOf(req)))),
    },
    {
      path: '/second-factor/verify',
      method: 'post',
      handler: forSelf(async (req, slug, user) => passSecondFactor(req, slug, user, secrets, answerIn(await bodyOf(req)))),
    },
    {
      path: '/second-factor/disable',
      method: 'post',
      handler: forSelf(async (req, slug, user) => turnOff(req, slug, user, secrets, answerIn(await bodyOf(req)))),
    },
  ]
}
