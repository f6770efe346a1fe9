import { randomBytes } from 'node:crypto'

import { APIError, type PayloadRequest } from 'payload'

import { sqlRunnerOf } from '../../billing/sql'
import type { WechatSignIn } from '../../payload-types'
import { SIGN_UP_METHOD } from '../customer-hooks'
import { assertMaySignIn } from '../session'
import type { WechatScan } from './events'

/**
 * A sign-in's life: `pending` from the QR request, then `signed-in` (with the account) or
 * `refused` (with the reason) when WeChat reports the scan, then `consumed` once the browser that
 * holds the scene has taken its session. Past `expiresAt` a pending or signed-in scene is dead.
 */
export type SignInStatus = WechatSignIn['status']

/** 192 random bits as 32 characters, well within WeChat's 64-character scene_str. */
export const newScene = () => randomBytes(24).toString('base64url')

export const isExpired = (signIn: Pick<WechatSignIn, 'expiresAt'>, now = Date.now()) => Date.parse(signIn.expiresAt) <= now

export async function findSignIn(req: PayloadRequest, scene: string): Promise<WechatSignIn | null> {
  const { docs } = await req.payload.find({ collection: 'wechat-sign-ins', where: { scene: { equals: scene } }, depth: 0, limit: 1, overrideAccess: true, req })
  return docs[0] ?? null
}

type Move = { status: SignInStatus; openId?: string; userId?: string; reason?: string }

/**
 * Moves a sign-in on from `from`, unless something else moved it first: WeChat repeats a call it
 * got no answer to in time, and a browser may poll twice at once. One conditional UPDATE, since
 * Payload's update reads and writes separately.
 */
export async function moveSignIn(req: PayloadRequest, id: string, from: SignInStatus, to: Move): Promise<boolean> {
  const rows = await sqlRunnerOf(req.payload).transaction((tx) =>
    tx.query(
      `UPDATE wechat_sign_ins
          SET status = ?, open_id = COALESCE(?, open_id), user_id = COALESCE(?, user_id), reason = COALESCE(?, reason), updated_at = ?
        WHERE id = ? AND status = ?
      RETURNING id`,
      [to.status, to.openId ?? null, to.userId ?? null, to.reason ?? null, new Date().toISOString(), id, from],
    ),
  )
  return rows.length === 1
}

type Outcome = { status: 'signed-in'; userId: string } | { status: 'refused'; reason: string }

/** Who a scan signs in: the account that has this openid, else a new one while registration is open. */
async function accountForScan(req: PayloadRequest, openId: string, referral: string | null | undefined, registrationOpen: boolean): Promise<Outcome> {
  const { docs } = await req.payload.find({ collection: 'users', where: { wechatOpenId: { equals: openId } }, depth: 0, limit: 1, overrideAccess: true, req })
  const known = docs[0]
  if (known) {
    try {
      assertMaySignIn({ ...known })
    } catch (error) {
      if (error instanceof APIError) return { status: 'refused', reason: error.message }
      throw error
    }
    return { status: 'signed-in', userId: known.id }
  }
  if (!registrationOpen) return { status: 'refused', reason: 'Sign-up is closed, and this WeChat account has no account here.' }
  const created = await req.payload.create({
    collection: 'users',
    // Payload's create insists on a username or an email, and on a password; nobody signs in with
    // either, so both are random (the customer may add an email and password later).
    data: { wechatOpenId: openId, username: `wechat_${randomBytes(5).toString('hex')}`, password: randomBytes(24).toString('base64url'), ...(referral ? { referral } : {}) },
    context: { [SIGN_UP_METHOD]: 'wechat' },
    overrideAccess: true,
    req,
  })
  return { status: 'signed-in', userId: created.id }
}

/** WeChat reported a scan: a pending, live scene gets its account or the reason it has none. */
export async function recordScan(req: PayloadRequest, scan: WechatScan, registrationOpen: boolean): Promise<void> {
  const signIn = await findSignIn(req, scan.scene)
  if (!signIn || signIn.status !== 'pending' || isExpired(signIn)) return
  let outcome: Outcome
  try {
    outcome = await accountForScan(req, scan.openId, signIn.referral, registrationOpen)
  } catch (error) {
    req.payload.logger.error({ err: error, signIn: signIn.id }, 'A WeChat scan could not sign anyone in.')
    outcome = { status: 'refused', reason: 'Something went wrong on our side. Please scan a new code.' }
  }
  await moveSignIn(req, signIn.id, 'pending', { ...outcome, openId: scan.openId })
}
