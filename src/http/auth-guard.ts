import type { NextFunction, Request, Response } from 'express'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import { readAuthSettings } from '../auth/settings'
import { counters, MINUTE, retryAfter } from '../lib/counters'
import { addressAllowed } from '../lib/ip-allow-list'
import { sendPayloadError } from '../lib/payload-errors'
import { CLIENT_IP_HEADER } from './client-ip'
import { fetchHeaders } from './payload-rest'

/** Every request that signs in, signs up, sends a code or resets a password. */
const AUTH_REQUEST =
  /^\/api\/(auth\/|(users|admins)\/(login|forgot-password|reset-password|verify|verify-email|unlock|second-factor)(\/|$)|users\/?$)/

/**
 * WeChat's own callbacks (signed, from WeChat's few addresses) and the browser's polling of an
 * unguessable scene are not sign-in attempts, and would trip the limit at once.
 */
const UNCOUNTED = /^\/api\/auth\/wechat\/(callback|status)(\/|$)/

/** The back office: its pages and the staff accounts' API. */
const STAFF_AREA = /^\/(admin(\/|$)|api\/admins(\/|$))/

/** Staff registering customers over REST are not signing up, and may register many at once. */
async function staffCreatingCustomer(payload: Payload, req: Request): Promise<boolean> {
  if (!/^\/api\/users\/?$/.test(req.path) || !(req.headers.authorization || req.headers.cookie)) return false
  const { user } = await payload.auth({ headers: fetchHeaders(req) })
  return user?.collection === 'admins'
}

/**
 * Guards in front of Payload: a per-IP limit on auth requests (shared through Redis when
 * configured), and the admin panel's IP allow-list. Both read the sign-in settings on each guarded
 * request, so staff changes apply at once; other requests pass untouched.
 */
export function authGuard({ payload, redis }: { payload: Payload; redis: Redis | null }) {
  const perMinute = counters(redis, 'modelgate:auth')('ip', MINUTE)
  return async (req: Request, res: Response, next: NextFunction) => {
    const isAuth = AUTH_REQUEST.test(req.path) && !UNCOUNTED.test(req.path) && (req.method === 'POST' || req.path.startsWith('/api/auth/') || req.path.includes('/verify-email/'))
    const isStaffArea = STAFF_AREA.test(req.path)
    if (!isAuth && !isStaffArea) return next()
    try {
      const settings = await readAuthSettings(payload)
      const ip = String(req.headers[CLIENT_IP_HEADER] ?? '')
      if (isStaffArea && !addressAllowed(settings.staff?.adminIpAllowList ?? [], ip)) {
        return sendPayloadError(res, 403, `The back office cannot be reached from ${ip}.`)
      }
      const max = settings.authRequestsPerMinute ?? 30
      if (isAuth && max > 0 && !(await staffCreatingCustomer(payload, req))) {
        const counted = await perMinute.consume(ip)
        if (counted.consumedPoints > max) {
          res.set('retry-after', String(retryAfter(counted)))
          return sendPayloadError(res, 429, `Too many sign-in requests from this address: at most ${max} a minute. Try again in ${retryAfter(counted)} s.`)
        }
      }
      next()
    } catch (error) {
      next(error)
    }
  }
}
