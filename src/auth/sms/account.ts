import { randomBytes } from 'node:crypto'

import { APIError, type PayloadRequest } from 'payload'

import { SIGN_UP_METHOD } from '../customer-hooks'
import { nationalNumber } from './phone'

/**
 * The customer who owns `phone`, found under either spelling staff may have typed, or a new
 * account for it when sign-up is open. A new account starts verified (the code proved the phone).
 * Payload insists on a username or an email, and on a password: the username is the phone, the
 * password random, so the account signs in by SMS until the customer sets one.
 */
export async function phoneAccount(req: PayloadRequest, phone: string, { registrationOpen, referral }: { registrationOpen: boolean; referral?: string }): Promise<string> {
  const spellings = [phone, nationalNumber(phone)].filter((spelling): spelling is string => Boolean(spelling))
  const { docs } = await req.payload.find({ collection: 'users', where: { phone: { in: spellings } }, limit: 1, depth: 0, req })
  if (docs[0]) return String(docs[0].id)
  if (!registrationOpen) throw new APIError('Sign-up is closed: only existing customers can sign in.', 403, { code: 'registration_closed' }, true)
  req.context[SIGN_UP_METHOD] = 'sms'
  const created = await req.payload.create({
    collection: 'users',
    data: { phone, username: phone, password: randomBytes(32).toString('base64url'), ...(referral ? { referral } : {}) },
    req,
  })
  return String(created.id)
}
