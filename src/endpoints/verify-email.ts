import type { Endpoint } from 'payload'

import { publicBaseUrl } from '../auth/mail'

/**
 * `GET /api/users/verify-email/:token`: the link in the verification mail. It verifies the
 * address and lands the customer on the app's home page with `?verified=1` (or `0` for a used or
 * unknown link), where they sign in.
 */
export const verifyEmailEndpoint: Endpoint = {
  path: '/verify-email/:token',
  method: 'get',
  handler: async (req) => {
    const token = String(req.routeParams?.token ?? '')
    const verified = await req.payload.verifyEmail({ collection: 'users', token }).then(
      () => true,
      () => false,
    )
    return Response.redirect(`${publicBaseUrl(req)}/?verified=${verified ? 1 : 0}`, 302)
  },
}
