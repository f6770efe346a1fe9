import type { NextFunction, Request, Response } from 'express'
import type { Payload, TypedUser } from 'payload'

import { sendPayloadError } from '../lib/payload-errors'
import { fetchHeaders } from './payload-rest'

/**
 * The signed-in customer of an express route (JWT header or cookie, as Payload's REST accepts),
 * or why there is none: 401 signed out, 403 with `notCustomer` for staff accounts.
 */
export async function customerSession(payload: Payload, req: Request, notCustomer: string): Promise<{ user: TypedUser } | { status: 401 | 403; message: string }> {
  const { user } = await payload.auth({ headers: fetchHeaders(req) })
  if (!user) return { status: 401, message: 'Sign in first.' }
  if (user.collection !== 'users') return { status: 403, message: notCustomer }
  return { user }
}

/** After `express.json()`: a body that is not JSON, or too large, answered in Payload's shape. */
export function unreadableBody(error: { type?: string }, _req: Request, res: Response, next: NextFunction) {
  if (error.type === 'entity.parse.failed') return sendPayloadError(res, 400, 'The request body is not valid JSON.')
  if (error.type === 'entity.too.large') return sendPayloadError(res, 413, 'The request body is too large.')
  next(error)
}
