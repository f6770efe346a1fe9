import type { Secrets } from '../../lib/secrets'
import type { PaymentChannel } from '../channel'
import type { PaymentSettings } from '../settings'
import { alipayFromSettings } from './alipay'
import { epayFromSettings } from './epay'
import { stripeFromSettings } from './stripe'
import { wechatPayFromSettings } from './wechat-pay'

export type OnlineChannelId = 'stripe' | 'epay' | 'wechat' | 'alipay'

/** Builds a channel from the settings (credentials still sealed), or undefined while it is off or incomplete. */
export type ChannelFactory = (settings: PaymentSettings, secrets: Secrets) => PaymentChannel | undefined

/** Every online channel; each file in this folder adds its own. */
export const CHANNELS: Partial<Record<OnlineChannelId, ChannelFactory>> = {
  alipay: alipayFromSettings,
  epay: epayFromSettings,
  stripe: stripeFromSettings,
  wechat: wechatPayFromSettings,
}

export function channelFor(id: string, settings: PaymentSettings, secrets: Secrets): PaymentChannel | undefined {
  const factory = CHANNELS[id as OnlineChannelId]
  return factory?.(settings, secrets)
}
