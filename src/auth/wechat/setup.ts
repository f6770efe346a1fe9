import { APIError, type PayloadRequest } from 'payload'

import type { Secrets } from '../../lib/secrets'
import { readAuthSettings } from '../settings'
import type { WechatAccount } from './client'

/** What the operator set for WeChat sign-in, with the AppSecret and token opened. */
export type WechatSetup = {
  enabled: boolean
  registrationOpen: boolean
  referrals: boolean
  account: WechatAccount
  /** The token entered in the Official Account console's server settings; it signs WeChat's calls. */
  token: string
  qrExpireSeconds: number
}

export async function readWechatSetup(req: PayloadRequest, secrets: Secrets): Promise<WechatSetup> {
  const settings = await readAuthSettings(req.payload, { req, reveal: true })
  const wechat = settings.wechat ?? {}
  const open = (sealed: string | null | undefined) => (secrets.isSealed(sealed) ? secrets.open(sealed) : '')
  return {
    enabled: Boolean(settings.wechatSignIn),
    registrationOpen: Boolean(settings.registrationOpen),
    referrals: Boolean(settings.referrals),
    account: { apiBaseUrl: wechat.apiBaseUrl || 'https://api.weixin.qq.com', appId: wechat.appId ?? '', appSecret: open(wechat.appSecret) },
    token: open(wechat.token),
    qrExpireSeconds: wechat.qrExpireSeconds || 600,
  }
}

/** The setup, refusing with 403 method_disabled while the operator has WeChat sign-in switched off. */
export async function enabledWechatSetup(req: PayloadRequest, secrets: Secrets): Promise<WechatSetup> {
  const setup = await readWechatSetup(req, secrets)
  if (!setup.enabled) throw new APIError('Sign-in with WeChat is switched off.', 403, { code: 'method_disabled' }, true)
  return setup
}
