/**
 * Alipay's open platform signing (RSA2): what is signed, how, and how a signed answer is read.
 * Plain functions, shared by the channel and by the test suite's stand-in for Alipay.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

/**
 * The text Alipay signs: every parameter but the excluded ones, empty values dropped, sorted by
 * key, joined `k=v&k=v` with the values raw (not URL-encoded).
 */
export function signContent(params: Record<string, string | undefined>, exclude: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== undefined && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&')
}

export function rsa2Sign(content: string, privateKey: KeyObject): string {
  return sign('RSA-SHA256', Buffer.from(content, 'utf8'), privateKey).toString('base64')
}

export function rsa2Verify(content: string, signature: string, publicKey: KeyObject): boolean {
  if (!signature) return false
  return verify('RSA-SHA256', Buffer.from(content, 'utf8'), publicKey, Buffer.from(signature, 'base64'))
}

/** Alipay's key tool hands out bare base64 (PKCS#8 or PKCS#1) rather than PEM; both are taken. */
export function alipayPrivateKey(text: string): KeyObject {
  const trimmed = text.trim()
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed)
  const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64')
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })
  }
}

export function alipayPublicKey(text: string): KeyObject {
  const trimmed = text.trim()
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed)
  return createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' })
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8 all year, no daylight saving), as Alipay's timestamps read. */
export function shanghaiTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** End (exclusive) of the JSON value starting at `start` (after whitespace), scanning strings and nesting. */
function valueEnd(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') {
        inString = false
        if (depth === 0) return i + 1
      }
    } else if (c === '"') inString = true
    else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') {
      if (depth === 0) return i
      if (--depth === 0) return i + 1
    } else if (depth === 0 && (c === ',' || /\s/.test(c))) return i
  }
  if (depth !== 0 || inString) throw new Error('Unterminated JSON value.')
  return text.length
}

const skipSpace = (text: string, i: number) => {
  while (i < text.length && /\s/.test(text[i])) i++
  return i
}

/**
 * The exact text of each top-level member of a JSON object. Alipay signs the response node as
 * the bytes it sent (slashes escaped as `\/`, its own key order), so re-serializing would not match.
 */
export function topLevelMembers(body: string): Record<string, string> {
  const members: Record<string, string> = {}
  let i = skipSpace(body, 0)
  if (body[i] !== '{') throw new Error('Not a JSON object.')
  i = skipSpace(body, i + 1)
  if (body[i] === '}') return members
  for (;;) {
    if (body[i] !== '"') throw new Error('Expected a member name.')
    const keyEnd = valueEnd(body, i)
    const key = JSON.parse(body.slice(i, keyEnd)) as string
    i = skipSpace(body, keyEnd)
    if (body[i] !== ':') throw new Error('Expected a colon.')
    const start = skipSpace(body, i + 1)
    const end = valueEnd(body, start)
    members[key] = body.slice(start, end)
    i = skipSpace(body, end)
    if (body[i] === '}') return members
    if (body[i] !== ',') throw new Error('Expected a comma.')
    i = skipSpace(body, i + 1)
  }
}
