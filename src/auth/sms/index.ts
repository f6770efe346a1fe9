import type { Payload } from 'payload'

import type { Secrets } from '../../lib/secrets'
import { aliyunSms } from './aliyun'
import { logSms } from './log'
import { SmsDeliveryError, type SmsProvider, type SmsSettings } from './provider'
import { tencentSms } from './tencent'

function required(provider: string, settings: SmsSettings, fields: (keyof SmsSettings)[]) {
  const missing = fields.filter((field) => !settings[field])
  if (missing.length) throw new SmsDeliveryError(provider, `it is not set up (missing ${missing.join(', ')})`)
}

function openSecret(provider: string, stored: string, secrets: Secrets): string {
  if (!secrets.isSealed(stored)) return stored
  try {
    return secrets.open(stored)
  } catch {
    throw new SmsDeliveryError(provider, 'the stored access key secret cannot be decrypted (was MODELGATE_ENCRYPTION_KEY changed?); enter it again')
  }
}

/** The provider the operator chose; credentials are checked here, before any code is issued. */
export function smsProviderFor(settings: SmsSettings, secrets: Secrets, logger: Payload['logger']): SmsProvider {
  if (settings.provider === 'aliyun' || settings.provider === 'tencent') {
    const name = settings.provider === 'aliyun' ? 'Aliyun SMS' : 'Tencent Cloud SMS'
    required(name, settings, ['accessKeyId', 'accessKeySecret', 'signName', 'templateCode', ...(settings.provider === 'tencent' ? (['sdkAppId'] as const) : [])])
    const credentials = {
      accessKeyId: settings.accessKeyId!,
      accessKeySecret: openSecret(name, settings.accessKeySecret!, secrets),
      signName: settings.signName!,
      templateCode: settings.templateCode!,
      endpoint: settings.endpoint || undefined,
    }
    return settings.provider === 'aliyun'
      ? aliyunSms(credentials)
      : tencentSms({ ...credentials, sdkAppId: settings.sdkAppId!, region: settings.region || 'ap-guangzhou' })
  }
  return logSms(logger)
}
