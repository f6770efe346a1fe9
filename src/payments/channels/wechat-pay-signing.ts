/**
 * WeChat Pay API v3 signatures and encrypted resources. Every request we send carries a
 * SHA256withRSA signature by the merchant key in its Authorization header; every answer and
 * notification WeChat sends is signed by its platform key in `Wechatpay-*` headers; payment
 * details in notifications are sealed with AES-256-GCM under the API v3 key.
 */
import { createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto'

export const AUTHORIZATION_SCHEMA = 'WECHATPAY2-SHA256-RSA2048'

/** How far a signed timestamp may be from our clock: WeChat's own advice, and the replay window. */
export const MAX_CLOCK_SKEW_SECONDS = 300

const GCM_TAG_BYTES = 16

/** The text a request signature covers; each line, the body's included, ends with `\n`. */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`
}

/** The text WeChat's signature on an answer or a notification covers. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`
}

export const signSha256WithRsa = (message: string, privateKey: KeyObject | string) => createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64')

export function verifySha256WithRsa(message: string, signature: string, publicKey: KeyObject | string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signature, 'base64')
  } catch {
    // A malformed signature is as wrong as a mismatched one.
    return false
  }
}

/** 32 uppercase hex characters, the form WeChat's own SDKs send. */
export const newNonce = () => randomBytes(16).toString('hex').toUpperCase()

export type MerchantSigner = { mchId: string; serialNo: string; privateKey: KeyObject | string }

export type SignedRequest = { method: string; pathWithQuery: string; body: string; timestamp: string; nonce: string }

/** The Authorization header of a request to WeChat Pay. */
export function authorizationHeader(signer: MerchantSigner, request: SignedRequest): string {
  const signature = signSha256WithRsa(requestMessage(request.method, request.pathWithQuery, request.timestamp, request.nonce, request.body), signer.privateKey)
  return `${AUTHORIZATION_SCHEMA} mchid="${signer.mchId}",nonce_str="${request.nonce}",signature="${signature}",timestamp="${request.timestamp}",serial_no="${signer.serialNo}"`
}

/**
 * Why a message WeChat signed (an API answer or a notification) cannot be trusted, or undefined
 * when it can: the signature must verify with the platform key and be fresh, so an old
 * notification cannot be replayed outside the window.
 */
export function wechatSignatureProblem(headers: Headers, body: string, platformKey: KeyObject, now: Date): string | undefined {
  const timestamp = headers.get('wechatpay-timestamp') ?? ''
  const nonce = headers.get('wechatpay-nonce') ?? ''
  const signature = headers.get('wechatpay-signature') ?? ''
  const serial = headers.get('wechatpay-serial') ?? ''
  if (!/^\d{1,12}$/.test(timestamp) || !nonce || !signature) return 'the Wechatpay-Timestamp, -Nonce or -Signature header is missing'
  if (!verifySha256WithRsa(responseMessage(timestamp, nonce, body), signature, platformKey)) {
    // The serial names the key WeChat used, which tells staff whether the configured one is stale.
    return `the signature does not verify with the configured platform key (WeChat signed with serial ${serial || 'unknown'})`
  }
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return `the signature is dated ${timestamp}, more than 5 minutes from now`
  return undefined
}

export type EncryptedResource = { algorithm: string; ciphertext: string; associated_data?: string; nonce: string }

/** Opens an AEAD_AES_256_GCM resource (ciphertext in base64, its last 16 bytes the tag); throws when it was tampered with. */
export function decryptResource(apiV3Key: Buffer, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unknown resource algorithm ${resource.algorithm}`)
  const sealed = Buffer.from(resource.ciphertext, 'base64')
  if (sealed.length <= GCM_TAG_BYTES) throw new Error('the ciphertext is too short')
  const decipher = createDecipheriv('aes-256-gcm', apiV3Key, Buffer.from(resource.nonce, 'utf8'))
  decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES))
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)), decipher.final()]).toString('utf8')
}
