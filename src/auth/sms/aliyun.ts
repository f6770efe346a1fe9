import { createHmac, randomUUID } from 'node:crypto'

import { postForJson, SmsDeliveryError, type SmsProvider } from './provider'

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/'

export type AliyunSmsOptions = {
  accessKeyId: string
  accessKeySecret: string
  signName: string
  templateCode: string
  endpoint?: string
}

/** RFC 3986: encodeURIComponent leaves !'()* alone, Aliyun's signature does not. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Aliyun's RPC (POP) signature, version 1.0 with HMAC-SHA1, over every parameter but Signature. */
export function aliyunSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort()
    .map((key) => `${aliyunPercentEncode(key)}=${aliyunPercentEncode(params[key])}`)
    .join('&')
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64')
}

/** Aliyun wants mainland numbers without +86 and others as country code and number, without +. */
export function aliyunPhoneNumber(phone: string): string {
  return phone.startsWith('+86') ? phone.slice(3) : phone.slice(1)
}

/** Dysmsapi SendSms (2017-05-25); the template has one variable, `code`. */
export function aliyunSms(options: AliyunSmsOptions): SmsProvider {
  return {
    async send(phone, code) {
      const params: Record<string, string> = {
        AccessKeyId: options.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        RegionId: 'cn-hangzhou',
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
        PhoneNumbers: aliyunPhoneNumber(phone),
        SignName: options.signName,
        TemplateCode: options.templateCode,
        TemplateParam: JSON.stringify({ code }),
      }
      params.Signature = aliyunSignature('POST', params, options.accessKeySecret)
      const answer = await postForJson('Aliyun SMS', options.endpoint || ALIYUN_SMS_ENDPOINT, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      })
      if (answer.Code !== 'OK') throw new SmsDeliveryError('Aliyun SMS', `${answer.Code ?? 'error'}: ${answer.Message ?? 'no message'}`)
    },
  }
}
