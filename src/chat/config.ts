import type { Payload } from 'payload'

import { readAuthSettings } from '../auth/settings'
import { readPaymentSettings } from '../payments/settings'

/** What the chat app's sign-in and wallet screens offer, from the sign-in and payment settings. Public. */

const CHANNEL_LABELS = { alipay: 'Alipay', wechat: 'WeChat Pay', epay: 'Epay', stripe: 'Card (Stripe)' } as const

export type ChatConfig = {
  methods: { email: boolean; phone: boolean; wechat: boolean }
  registrationOpen: boolean
  currency: string
  topUpPresets: number[]
  minimumTopUp: number
  channels: { id: string; label: string }[]
}

export async function chatConfig(payload: Payload): Promise<ChatConfig> {
  const [auth, payments] = await Promise.all([readAuthSettings(payload), readPaymentSettings(payload)])
  return {
    methods: { email: auth.emailSignIn !== false, phone: Boolean(auth.phoneSignIn), wechat: Boolean(auth.wechatSignIn) },
    registrationOpen: auth.registrationOpen !== false,
    currency: payments.currency ?? 'CNY',
    topUpPresets: payments.topUpPresets ?? [],
    minimumTopUp: payments.minimumTopUp ?? 0,
    channels: (Object.keys(CHANNEL_LABELS) as (keyof typeof CHANNEL_LABELS)[])
      .filter((id) => payments[id]?.enabled)
      .map((id) => ({ id, label: CHANNEL_LABELS[id] })),
  }
}
