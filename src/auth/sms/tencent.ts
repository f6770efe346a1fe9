import { createHash, createHmac } from 'node:crypto'

import { postForJson, SmsDeliveryError, type SmsProvider } from './provider'

export const TENCENT_SMS_ENDPOINT = 'https://sms.tencentcloudapi.com/'
const CONTENT_TYPE = 'application/json; charset=utf-8'

export type Tc3Request = {
  secretId: string
  secretKey: string
  service: string
  host: string
  /** Unix seconds; the credential scope uses its UTC date. */
  timestamp: number
  payload: string
  contentType?: string
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest()

/** Tencent Cloud API 3.0 signature (TC3-HMAC-SHA256) of a POST to `/`, signing content-type and host. */
export function tc3Authorization(request: Tc3Request): string {
  const contentType = request.contentType ?? CONTENT_TYPE
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10)
  const scope = `${date}/${request.service}/tc3_request`
  const canonicalRequest = ['POST', '/', '', `content-type:${contentType}\nhost:${request.host}\n`, 'content-type;host', sha256(request.payload)].join('\n')
  const stringToSign = ['TC3-HMAC-SHA256', String(request.timestamp), scope, sha256(canonicalRequest)].join('\n')
  const signingKey = hmac(hmac(hmac(`TC3${request.secretKey}`, date), request.service), 'tc3_request')
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex')
  return `TC3-HMAC-SHA256 Credential=${request.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`
}

export type TencentSmsOptions = {
  accessKeyId: string
  accessKeySecret: string
  signName: string
  templateCode: string
  sdkAppId: string
  region: string
  endpoint?: string
}

/** SMS API 2021-01-11 SendSms; the template has one parameter, the code. */
export function tencentSms(options: TencentSmsOptions): SmsProvider {
  const url = options.endpoint || TENCENT_SMS_ENDPOINT
  return {
    async send(phone, code) {
      const payload = JSON.stringify({
        PhoneNumberSet: [phone],
        SmsSdkAppId: options.sdkAppId,
        SignName: options.signName,
        TemplateId: options.templateCode,
        TemplateParamSet: [code],
      })
      const timestamp = Math.floor(Date.now() / 1000)
      const authorization = tc3Authorization({
        secretId: options.accessKeyId,
        secretKey: options.accessKeySecret,
        service: 'sms',
        host: new URL(url).host,
        timestamp,
        payload,
      })
      const answer = await postForJson('Tencent Cloud SMS', url, {
        headers: {
          authorization,
          'content-type': CONTENT_TYPE,
          'x-tc-action': 'SendSms',
          'x-tc-version': '2021-01-11',
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': options.region,
        },
        body: payload,
      })
      const error = answer.Response?.Error ?? answer.Response?.SendStatusSet?.find((status: { Code?: string }) => status.Code !== 'Ok')
      if (error || !answer.Response?.SendStatusSet?.length) {
        throw new SmsDeliveryError('Tencent Cloud SMS', `${error?.Code ?? 'error'}: ${error?.Message ?? 'no send status in the answer'}`)
      }
    },
  }
}
