import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Secrets at rest (provider keys, payment credentials) are sealed with AES-256-GCM under a key
 * derived from MODELGATE_ENCRYPTION_KEY; customer API keys are stored only as an HMAC under a second
 * derived key. One master key, one derived key per purpose, so neither use weakens the other.
 */

const SEALED_PREFIX = 'enc:v1:'

export type Secrets = {
  seal(plain: string): string
  open(sealed: string): string
  isSealed(value: unknown): value is string
  /** Deterministic fingerprint of a customer API key, for lookup without storing the key. */
  fingerprint(apiKey: string): string
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `modelgate:${purpose}`, 32))
}

/**
 * @param encryptionKey 64 hex characters. Without one (development and tests only: production
 *   refuses to start) the key is derived from PAYLOAD_SECRET.
 */
export function createSecrets(encryptionKey: string | undefined, payloadSecret: string): Secrets {
  const master = encryptionKey
    ? Buffer.from(encryptionKey, 'hex')
    : createHash('sha256').update(`modelgate-encryption:${payloadSecret}`).digest()
  const sealKey = derive(master, 'seal')
  const hmacKey = derive(master, 'api-key')

  return {
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
    },
    open(sealed) {
      if (!sealed.startsWith(SEALED_PREFIX)) throw new Error('not a sealed secret')
      const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
    isSealed(value): value is string {
      return typeof value === 'string' && value.startsWith(SEALED_PREFIX)
    },
    fingerprint(apiKey) {
      return createHmac('sha256', hmacKey).update(apiKey).digest('hex')
    },
  }
}

/** Shows which secret is stored without revealing it: `sk-…wxyz`. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? '…' : `${secret.slice(0, 3)}…${secret.slice(-4)}`
}

const SECRET_PIECE = /[A-Za-z0-9_\-]{8,}/g

/**
 * Removes a secret from text an upstream wrote, such as an error message that quotes the key it
 * refused: the whole key, and any run of 8 or more of its characters (a masked or cut copy).
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 8) return text
  return text.split(secret).join('***').replace(SECRET_PIECE, (piece) => (secret.includes(piece) ? '***' : piece))
}
