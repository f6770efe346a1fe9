import { APIError, type Endpoint, type PayloadRequest } from 'payload'

import { needsSecondFactor, signInWithoutPassword } from '../../auth/second-factor-sign-in'
import { sessionResponse } from '../../auth/session'
import { createSceneQrCode, WechatApiError } from '../../auth/wechat/client'
import { parseWechatMessage, scanOf } from '../../auth/wechat/events'
import { enabledWechatSetup, readWechatSetup } from '../../auth/wechat/setup'
import { isSignedByWechat } from '../../auth/wechat/signature'
import { findSignIn, isExpired, moveSignIn, newScene, recordScan } from '../../auth/wechat/sign-ins'
import { recordRejection } from '../../hooks/audit'
import type { Secrets } from '../../lib/secrets'
import { referrerOf } from '../../auth/customer-hooks'

const text = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })

const signedQuery = (req: PayloadRequest) => ({
  signature: req.searchParams.get('signature'),
  timestamp: req.searchParams.get('timestamp'),
  nonce: req.searchParams.get('nonce'),
})

/** Someone other than WeChat (or a replay of an old call) reached our server URL: audited with their address. */
async function refuseForgedCall(req: PayloadRequest) {
  await recordRejection(req, { collectionSlug: 'wechat-sign-ins', summary: `WeChat ${req.method} callback with a wrong or stale signature refused` })
  return text('Wrong signature.', 401)
}

/** A referral code that exists, upper-cased; checked now so a typo is reported before the scan. */
async function referralOf(req: PayloadRequest, body: Record<string, unknown>): Promise<string | null> {
  const code = typeof body.referral === 'string' ? body.referral.trim().toUpperCase() : ''
  return (await referrerOf(req, code)) ? code : null
}

/** Why WeChat gave no QR code, for the operator: its errmsg names the wrong setting. */
function qrCodeFailure(req: PayloadRequest, error: unknown): APIError {
  if (error instanceof WechatApiError) return new APIError(`No WeChat QR code: ${error.message}`, 502, null, true)
  req.payload.logger.error({ err: error }, 'WeChat could not be reached for a QR code.')
  return new APIError('No WeChat QR code: WeChat could not be reached.', 502, null, true)
}

const USED = 'This code was already used to sign in. Please scan a new one.'

/**
 * Scan-to-follow sign-in with a WeChat Official Account (docs/accounts-wechat.md): the browser asks
 * for a QR code, WeChat tells our server URL who scanned it, the browser polls until it is signed in.
 */
export function wechatEndpoints(secrets: Secrets): Endpoint[] {
  /** Where a QR sign-in stands; a scan that signed in gives its session once. */
  async function signInStatus(req: PayloadRequest, answer: unknown) {
    await enabledWechatSetup(req, secrets)
    const signIn = await findSignIn(req, String(req.routeParams?.scene ?? ''))
    if (!signIn) throw new APIError('No such WeChat sign-in.', 404, null, true)
    if (signIn.status === 'refused') return Response.json({ status: 'refused', reason: signIn.reason })
    if (signIn.status === 'consumed') return Response.json({ status: 'expired', reason: USED })
    if (isExpired(signIn)) return Response.json({ status: 'expired' })
    if (signIn.status === 'pending') return Response.json({ status: 'pending' })
    const userId = String(signIn.user)
    if (answer === null && (await needsSecondFactor(req, userId))) return Response.json({ status: 'second-factor' })
    if (!(await moveSignIn(req, signIn.id, 'signed-in', { status: 'consumed' }))) return Response.json({ status: 'expired', reason: USED })
    try {
      return await sessionResponse(req, await signInWithoutPassword(req, userId, answer, secrets), { status: 'signed-in' })
    } catch (error) {
      // A wrong code (or a frozen account) leaves the scan as it was, to try again.
      await moveSignIn(req, signIn.id, 'consumed', { status: 'signed-in' })
      throw error
    }
  }

  return [
    {
      path: '/auth/wechat/qrcode',
      method: 'post',
      handler: async (req) => {
        const setup = await enabledWechatSetup(req, secrets)
        if (!setup.account.appId || !setup.account.appSecret) {
          throw new APIError('Sign-in with WeChat is not set up yet: the AppID or AppSecret is missing.', 503, null, true)
        }
        const body = ((await req.json?.().catch(() => null)) ?? {}) as Record<string, unknown>
        const referral = setup.referrals ? await referralOf(req, body) : null
        const scene = newScene()
        const qr = await createSceneQrCode(setup.account, scene, setup.qrExpireSeconds).catch((error: unknown) => {
          throw qrCodeFailure(req, error)
        })
        await req.payload.create({
          collection: 'wechat-sign-ins',
          data: { scene, ticket: qr.ticket, status: 'pending', referral, expiresAt: new Date(Date.now() + qr.expireSeconds * 1000).toISOString() },
          overrideAccess: true,
          req,
        })
        return Response.json({ scene, qrUrl: qr.imageUrl, ticket: qr.ticket, expiresIn: qr.expireSeconds })
      },
    },
    {
      // WeChat checks the server URL when the operator saves it: echo echostr if the signature is ours.
      // Answered while sign-in is still off, so the server can be set up before customers see the button.
      path: '/auth/wechat/callback',
      method: 'get',
      handler: async (req) => {
        const { token } = await readWechatSetup(req, secrets)
        if (!isSignedByWechat(token, signedQuery(req))) return refuseForgedCall(req)
        return text(req.searchParams.get('echostr') ?? '')
      },
    },
    {
      // Anything but "success" (or an empty answer) makes WeChat retry, then tell the follower the
      // account is out of order; so while sign-in is off, scans are ignored rather than refused.
      path: '/auth/wechat/callback',
      method: 'post',
      handler: async (req) => {
        const setup = await readWechatSetup(req, secrets)
        if (!isSignedByWechat(setup.token, signedQuery(req))) return refuseForgedCall(req)
        const message = parseWechatMessage((await req.text?.()) ?? '')
        const scan = message && scanOf(message)
        if (scan && setup.enabled) await recordScan(req, scan, setup.registrationOpen)
        return text('success')
      },
    },
    // The browser polls with GET. A customer with the second factor on is answered `second-factor`
    // and POSTs the same path with `totp` (or `recoveryCode`); the scan is spent only when it passes.
    { path: '/auth/wechat/status/:scene', method: 'get', handler: (req) => signInStatus(req, null) },
    { path: '/auth/wechat/status/:scene', method: 'post', handler: async (req) => signInStatus(req, (await req.json?.().catch(() => null)) ?? {}) },
  ]
}
