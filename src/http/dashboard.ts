import express, { Router, type Request, type Response } from 'express'
import { createLocalReq, type Payload, type TypedUser } from 'payload'
import { RateLimiterMemory } from 'rate-limiter-flexible'

import { CodeRejected, redeemCode } from '../billing/codes'
import { sqlRunnerOf } from '../billing/sql'
import { balancesOf, billingStatement, totalCharged } from '../billing/statement'
import { recordAudit } from '../hooks/audit'
import { sendPayloadError } from '../lib/payload-errors'
import { accountForMember } from '../organizations/membership'
import type { OrganizationPermission } from '../organizations/permissions'
import { badRequest, openAIError, RelayError } from '../relay/errors'
import type { Gateway } from '../relay/gateway'
import { customerSession, unreadableBody } from './customer-session'
import { fetchHeaders } from './payload-rest'

/**
 * What customers' dashboards call: `POST /api/redeem` and `GET /api/me/billing` for a signed-in
 * customer, and One API's balance routes (`/v1/dashboard/billing/*`, also without `/v1`) for chat
 * apps such as NextChat and LobeChat, authenticated by the customer's API key like the relay.
 */

const REDEEM_ATTEMPTS_PER_MINUTE = 10


/** The signed-in customer (JWT header or cookie, as Payload's REST accepts), or an answer saying why not. */
async function customerOf(payload: Payload, req: Request, res: Response): Promise<TypedUser | undefined> {
  const session = await customerSession(payload, req, 'Only customer accounts have billing.')
  if ('user' in session) return session.user
  sendPayloadError(res, session.status, session.message)
}

/** Names the organization a member acts for, as `?account=<organization id>` does. */
const ACCOUNT_HEADER = 'x-modelgate-account'

/**
 * Whose money a customer's request is about: their own, or the account of the organization they
 * name when their role there grants `permission` (403 otherwise, also for an organization they do
 * not belong to).
 */
async function actingFor(payload: Payload, req: Request, res: Response, permission: OrganizationPermission) {
  const user = await customerOf(payload, req, res)
  if (!user) return undefined
  const named = typeof req.query.account === 'string' ? req.query.account : req.get(ACCOUNT_HEADER)
  if (!named) return { user, ownerId: String(user.id) }
  const account = await accountForMember({ payload }, named, String(user.id), permission)
  if (!account) return void sendPayloadError(res, 403, 'Your role in that organization does not allow this.')
  return { user, ownerId: account }
}

/** `YYYY-MM-DD` as midnight UTC; absent is undefined. */
function dayOf(value: unknown, param: string): Date | undefined {
  if (value === undefined || value === '') return undefined
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN)
  if (Number.isNaN(date.getTime())) throw badRequest(`${param} must be a date written YYYY-MM-DD.`, param)
  return date
}

/** Money in the operator's currency units, as One API reports it (its "usd" means that currency). */
const units = (micro: number) => micro / 1_000_000

type Handler = (req: Request, res: Response) => Promise<unknown>

export function customerRoutes({ payload, gateway }: { payload: Payload; gateway?: Gateway }) {
  const router = Router()
  const runner = () => sqlRunnerOf(payload)
  // Counted in this process only: with several instances a guesser gets that many times more
  // tries, still hopeless against 80-bit codes.
  const redeemAttempts = new RateLimiterMemory({ points: REDEEM_ATTEMPTS_PER_MINUTE, duration: 60 })
  const failed = (req: Request, error: unknown) => payload.logger.error({ err: error }, `${req.method} ${req.path} failed`)

  /** Errors in Payload's REST shape. */
  const customerApi =
    (work: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await work(req, res)
      } catch (error) {
        if (error instanceof CodeRejected) return void sendPayloadError(res, 400, error.message)
        failed(req, error)
        sendPayloadError(res, 500, 'Something went wrong; try again.')
      }
    }

  router.post(
    '/api/redeem',
    express.json({ limit: '4kb' }),
    customerApi(async (req, res) => {
      const acting = await actingFor(payload, req, res, 'billing')
      if (!acting) return
      const { user, ownerId } = acting
      if (!(await redeemAttempts.consume(String(user.id)).then(() => true, () => false))) {
        res.set('retry-after', '60')
        return sendPayloadError(res, 429, `Too many attempts: at most ${REDEEM_ATTEMPTS_PER_MINUTE} a minute. Wait a minute and try again.`)
      }
      const code = (req.body as { code?: unknown } | undefined)?.code
      if (typeof code !== 'string' || !code.trim() || code.length > 100) return sendPayloadError(res, 400, 'Send the code as {"code": "XXXX-XXXX-XXXX-XXXX"}.')
      const redemption = await runner().transaction((tx) => redeemCode(tx, { code, ownerId }))
      await recordAudit(await createLocalReq({ user, req: { headers: fetchHeaders(req) } }, payload), {
        action: 'update',
        collectionSlug: 'redemption-codes',
        documentId: redemption.codeId,
        changes: [
          { field: 'status', old: 'active', new: 'redeemed' },
          { field: 'redeemedBy', old: null, new: ownerId },
        ],
        summary: `customer ${user.email ?? user.id} redeemed code ${redemption.code}${ownerId === String(user.id) ? '' : ` for organization account ${ownerId}`}`,
      })
      const { balances } = await balancesOf(runner().query, ownerId)
      res.json({ message: 'Code redeemed.', ...redemption, balances })
    }),
    unreadableBody,
  )

  router.get(
    '/api/me/billing',
    customerApi(async (req, res) => {
      const acting = await actingFor(payload, req, res, 'billing')
      if (acting) res.json(await billingStatement(runner().query, acting.ownerId))
    }),
  )

  if (gateway) {
    /** Errors in OpenAI's shape, as the relay answers them. */
    const oneApi =
      (work: Handler) =>
      async (req: Request, res: Response): Promise<void> => {
        try {
          await work(req, res)
        } catch (error) {
          if (error instanceof RelayError) return void res.status(error.status).json(error.body())
          failed(req, error)
          res.status(500).json(openAIError('The billing lookup failed.', 'server_error', 'internal_error'))
        }
      }
    const keyOf = (req: Request) =>
      gateway.relay.authorize({ body: undefined, headers: req.headers, ip: (req.ip ?? '').replace(/^::ffff:/, ''), signal: new AbortController().signal })

    // One API's shape: every limit is the account's total (spent + still available), and
    // access_until the key's expiry in Unix seconds (0: none).
    const subscription = oneApi(async (req, res) => {
      const { key } = await keyOf(req)
      const [{ balances }, used] = await Promise.all([balancesOf(runner().query, key.ownerId), totalCharged(runner().query, key.ownerId)])
      const total = units(used + balances.available)
      res.json({
        object: 'billing_subscription',
        has_payment_method: true,
        soft_limit_usd: total,
        hard_limit_usd: total,
        system_hard_limit_usd: total,
        access_until: key.expiresAt ? Math.floor(key.expiresAt / 1000) : 0,
      })
    })

    // Usage in cents (micro-units / 1e6 × 100) over [start_date, end_date): end_date is exclusive,
    // as OpenAI's was (NextChat sends tomorrow to include today).
    const usage = oneApi(async (req, res) => {
      const { key } = await keyOf(req)
      const window = { from: dayOf(req.query.start_date, 'start_date'), to: dayOf(req.query.end_date, 'end_date') }
      const charged = await totalCharged(runner().query, key.ownerId, window)
      res.json({ object: 'list', total_usage: charged / 10_000 })
    })

    router.get(['/v1/dashboard/billing/subscription', '/dashboard/billing/subscription'], subscription)
    router.get(['/v1/dashboard/billing/usage', '/dashboard/billing/usage'], usage)
  }
  return router
}
