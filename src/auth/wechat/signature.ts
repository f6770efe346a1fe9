import { createHash, timingSafeEqual } from 'node:crypto'

/** WeChat signs each call to our server URL with the token both sides know; older calls could be replays. */
const MAX_AGE_SECONDS = 300

export type SignedQuery = { signature?: string | null; timestamp?: string | null; nonce?: string | null }

/** WeChat's signature: sha1 of token, timestamp and nonce, sorted as strings and joined. */
export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex')
}

/** Whether a call really comes from WeChat: a matching signature over a timestamp less than five minutes from now. */
export function isSignedByWechat(token: string, query: SignedQuery, now = Date.now()): boolean {
  const { signature, timestamp, nonce } = query
  if (!token || !signature || !timestamp || !nonce || !/^\d+$/.test(timestamp)) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > MAX_AGE_SECONDS) return false
  const expected = Buffer.from(wechatSignature(token, timestamp, nonce))
  const given = Buffer.from(signature.toLowerCase())
  return given.length === expected.length && timingSafeEqual(given, expected)
}
