import { APIError, type Endpoint, type PayloadRequest } from 'payload'

import { signInWithoutPassword } from '../../auth/second-factor-sign-in'
import { sessionResponse } from '../../auth/session'
import { readAuthSettings, type AuthSettings } from '../../auth/settings'
import { phoneAccount } from '../../auth/sms/account'
import { issueCode, refundCode, spendCode, TooManyCodes } from '../../auth/sms/codes'
import { smsProviderFor } from '../../auth/sms'
import { normalizePhone } from '../../auth/sms/phone'
import { clientIpOf } from '../../hooks/audit'
import type { Secrets } from '../../lib/secrets'

async function phoneSignInSettings(req: PayloadRequest): Promise<AuthSettings> {
  const settings = await readAuthSettings(req.payload, { req, reveal: true })
  if (!settings.phoneSignIn) throw new APIError('Sign-in with a phone number is switched off.', 403, { code: 'method_disabled' }, true)
  return settings
}

async function bodyOf(req: PayloadRequest): Promise<Record<string, unknown>> {
  const body = await req.json?.().catch(() => null)
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
}

/** `POST /api/auth/sms/send` and `/verify`: a code by SMS, then a session for the phone's account. */
export function smsEndpoints(secrets: Secrets): Endpoint[] {
  return [
    {
      path: '/auth/sms/send',
      method: 'post',
      handler: async (req) => {
        const settings = await phoneSignInSettings(req)
        const phone = normalizePhone((await bodyOf(req)).phone)
        const sms = settings.sms ?? {}
        try {
          const provider = smsProviderFor(sms, secrets, req.payload.logger)
          const sent = await issueCode(req.payload, secrets, { phone, ip: clientIpOf(req), settings: sms, provider })
          return Response.json({ sent: true, ...sent })
        } catch (error) {
          if (error instanceof TooManyCodes) req.responseHeaders = new Headers({ 'retry-after': String(error.retryAfter) })
          throw error
        }
      },
    },
    {
      path: '/auth/sms/verify',
      method: 'post',
      handler: async (req) => {
        const settings = await phoneSignInSettings(req)
        const body = await bodyOf(req)
        const phone = normalizePhone(body.phone)
        const codeId = await spendCode(req.payload, secrets, phone, String(body.code ?? '').trim())
        try {
          const referral = typeof body.referral === 'string' ? body.referral : undefined
          const userId = await phoneAccount(req, phone, { registrationOpen: Boolean(settings.registrationOpen), referral })
          // A customer with the second factor on sends `totp` (or `recoveryCode`) too, `code` being
          // the SMS's; without it the SMS code is given back.
          const secondFactor = { totp: body.totp, recoveryCode: body.recoveryCode }
          return await sessionResponse(req, await signInWithoutPassword(req, userId, secondFactor, secrets))
        } catch (error) {
          await refundCode(req.payload, codeId)
          throw error
        }
      },
    },
  ]
}
