import ipaddr from 'ipaddr.js'

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

function addressAllowed(list: readonly string[], ip: string): boolean {
  if (list.length === 0) return true
  let address: ipaddr.IPv4 | ipaddr.IPv6
  try {
    address = ipaddr.process(ip)
  } catch {
    return false
  }
  return list.some((entry) => {
    try {
      let [range, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.process(entry), undefined]
      // Clients' IPv4-mapped addresses are compared as IPv4, so such ranges must be too.
      if (range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits !== undefined && bits >= 96) {
        ;[range, bits] = [(range as ipaddr.IPv6).toIPv4Address(), bits - 96]
      }
      const target = range.kind() === address.kind() ? address : null
      if (!target) return false
      return bits === undefined ? target.toString() === range.toString() : target.match(range, bits)
    } catch {
      return false
    }
  })
}

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
