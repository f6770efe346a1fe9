import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { aliyunSignature } from '../../src/auth/sms/aliyun'
import { tc3Authorization } from '../../src/auth/sms/tencent'

/**
 * A local stand-in for Aliyun's Dysmsapi and Tencent Cloud's SMS API on one port, told apart the
 * way the services are called: Tencent by its X-TC-Action header, Aliyun by a form body. Each
 * recomputes the signature of what it received (with the signing functions the unit suite checks
 * against the providers' published examples) and refuses a wrong one, a stale timestamp or an
 * unknown key with the services' own codes and messages. Delivered messages are kept in order.
 */
export type DeliveredSms = { provider: 'aliyun' | 'tencent'; phone: string; code: string; signName: string; template: string }

export type FakeSms = {
  url: string
  messages: DeliveredSms[]
  /** The code in the last message delivered to `phone` (as the provider received it). */
  codeFor(phone: string): string
  close(): Promise<void>
}

const ALIYUN_MAX_SKEW_S = 15 * 60
const TENCENT_MAX_SKEW_S = 5 * 60

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function aliyun(res: ServerResponse, body: string, keys: Record<string, string>, nonces: Set<string>, delivered: DeliveredSms[]) {
  const params = Object.fromEntries(new URLSearchParams(body))
  const refuse = (status: number, Code: string, Message: string) => json(res, status, { RequestId: randomUUID(), HostId: 'dysmsapi.aliyuncs.com', Code, Message })
  if (params.Action !== 'SendSms' || params.Version !== '2017-05-25') return refuse(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return refuse(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.')
  const secret = keys[params.AccessKeyId]
  if (secret === undefined) return refuse(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp ?? '') || Math.abs(Date.parse(params.Timestamp) - Date.now()) > ALIYUN_MAX_SKEW_S * 1000) {
    return refuse(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
  }
  if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) return refuse(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
  if (params.Signature !== aliyunSignature('POST', params, secret)) return refuse(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.')
  nonces.add(params.SignatureNonce)
  const { code } = JSON.parse(params.TemplateParam ?? '{}') as { code?: string }
  for (const phone of params.PhoneNumbers.split(',')) {
    delivered.push({ provider: 'aliyun', phone, code: String(code), signName: params.SignName, template: params.TemplateCode })
  }
  json(res, 200, { Message: 'OK', RequestId: randomUUID(), Code: 'OK', BizId: `${Date.now()}^0` })
}

function tencent(req: IncomingMessage, res: ServerResponse, body: string, keys: Record<string, string>, delivered: DeliveredSms[]) {
  const RequestId = randomUUID()
  const refuse = (Code: string, Message: string) => json(res, 200, { Response: { Error: { Code, Message }, RequestId } })
  const header = (name: string) => String(req.headers[name] ?? '')
  if (header('x-tc-action') !== 'SendSms' || header('x-tc-version') !== '2021-01-11') return refuse('InvalidAction', 'The action or version is not supported.')
  if (!header('x-tc-region')) return refuse('MissingParameter', 'The request is missing a required parameter `Region`.')
  const timestamp = Number(header('x-tc-timestamp'))
  if (!Number.isInteger(timestamp) || Math.abs(timestamp - Date.now() / 1000) > TENCENT_MAX_SKEW_S) {
    return refuse('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than five minutes.')
  }
  const credential = /^TC3-HMAC-SHA256 Credential=([^/]+)\/\d{4}-\d\d-\d\d\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/.exec(header('authorization'))
  if (!credential) return refuse('AuthFailure.InvalidAuthorization', 'Authorization header format error.')
  const secretKey = keys[credential[1]]
  if (secretKey === undefined) return refuse('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.')
  const expected = tc3Authorization({ secretId: credential[1], secretKey, service: 'sms', host: header('host'), timestamp, payload: body, contentType: header('content-type') })
  if (header('authorization') !== expected) return refuse('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.')
  const request = JSON.parse(body) as { PhoneNumberSet: string[]; SmsSdkAppId: string; SignName: string; TemplateId: string; TemplateParamSet: string[] }
  const SendStatusSet = request.PhoneNumberSet.map((phone) => {
    delivered.push({ provider: 'tencent', phone, code: request.TemplateParamSet[0], signName: request.SignName, template: request.TemplateId })
    return { SerialNo: randomUUID(), PhoneNumber: phone, Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: phone.startsWith('+86') ? 'CN' : 'XX' }
  })
  json(res, 200, { Response: { SendStatusSet, RequestId } })
}

/** `keys`: access key id (Aliyun) or SecretId (Tencent) → its secret. */
export async function startFakeSms(keys: Record<string, string>): Promise<FakeSms> {
  const messages: DeliveredSms[] = []
  const nonces = new Set<string>()
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => (req.headers['x-tc-action'] ? tencent(req, res, body, keys, messages) : aliyun(res, body, keys, nonces, messages)),
      () => json(res, 400, { Code: 'InvalidRequest', Message: 'Unreadable body.' }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    messages,
    codeFor(phone) {
      const last = messages.filter((message) => message.phone === phone).at(-1)
      if (!last) throw new Error(`no SMS was delivered to ${phone}`)
      return last.code
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
