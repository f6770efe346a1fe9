import type { Payload, PayloadRequest } from 'payload'

import { REVEAL_PAYMENT_SECRETS } from '../globals/PaymentSettings'
import type { PaymentSetting } from '../payload-types'
import type { ReferralRule } from './referrals'

export type PaymentSettings = PaymentSetting

/** The payment settings as stored now; `reveal` returns the sealed credentials (still sealed: open them with Secrets). */
export async function readPaymentSettings(payload: Payload, options: { req?: PayloadRequest; reveal?: boolean } = {}): Promise<PaymentSettings> {
  return payload.findGlobal({
    slug: 'payment-settings',
    depth: 0,
    overrideAccess: true,
    context: options.reveal ? { [REVEAL_PAYMENT_SECRETS]: true } : {},
    req: options.req,
  })
}

export function referralRuleOf(settings: PaymentSettings): ReferralRule {
  return {
    kind: settings.referral?.kind ?? 'none',
    amount: settings.referral?.amount ?? 0,
    percent: settings.referral?.percent ?? 0,
    requireApproval: Boolean(settings.referral?.requireApproval),
  }
}
