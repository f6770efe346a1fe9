import { addressAllowed } from '../lib/ip-allow-list'
import type { Catalog, CatalogApiKey } from './catalog'
import { invalidApiKey, RelayError } from './errors'
import { matchesAny } from './wildcard'

/** OpenAI clients send `Authorization: Bearer`, Anthropic clients `x-api-key`; both are accepted. */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim()
  const header = headers['x-api-key']
  return typeof header === 'string' && header ? header.trim() : undefined
}

export const accountFrozen = (key: CatalogApiKey) =>
  new RelayError(403, `This account is frozen${key.frozen?.reason ? `: ${key.frozen.reason}` : '.'}`, 'account_frozen', 'permission_error')

/** Who is calling: the key must exist, be active, unexpired and used from an allowed address. */
export function authenticate(
  catalog: Catalog,
  fingerprint: string | undefined,
  ip: string,
  now = Date.now(),
): CatalogApiKey {
  if (!fingerprint) throw invalidApiKey('Missing API key. Send it as "Authorization: Bearer sk-..." or "x-api-key".')
  const key = catalog.apiKeys.get(fingerprint)
  if (!key) throw invalidApiKey('Incorrect API key provided.')
  if (!key.active) throw invalidApiKey('This API key has been disabled.')
  if (key.frozen) throw accountFrozen(key)
  if (key.expiresAt !== undefined && key.expiresAt <= now) throw invalidApiKey('This API key has expired.')
  if (!addressAllowed(key.ipAllowList, ip)) {
    throw new RelayError(403, `This API key may not be used from ${ip}.`, 'ip_not_allowed', 'permission_error')
  }
  return key
}

export function assertModelAllowed(key: CatalogApiKey, model: string) {
  if (key.models.length > 0 && !matchesAny(key.models, model)) {
    throw new RelayError(403, `This API key may not use the model "${model}".`, 'model_not_allowed', 'permission_error', 'model')
  }
}
