import type { Payload } from 'payload'

import type { Model, Platform, ProviderKey } from '../../src/payload-types'

/**
 * The catalog a suite sets up in front of its fake providers: active platforms, models and
 * provider keys, created through Payload as an operator's admin would.
 */

/** An active platform of `kind` at `baseUrl`; returns its id. */
export async function addPlatform(payload: Payload, name: string, baseUrl: string, kind: Platform['kind'] = 'openai-compatible'): Promise<string> {
  const platform = await payload.create({ collection: 'platforms', data: { name, kind, baseUrl, status: 'active' } })
  return String(platform.id)
}

/** A provider key on a platform, active unless `data` says otherwise, named after its secret (the fakes answer by the secret). */
export function addProviderKey(payload: Payload, platformId: string, key: string, data: Partial<ProviderKey> = {}) {
  return payload.create({ collection: 'provider-keys', data: { name: key, platform: platformId, key, priority: 0, weight: 1, status: 'active', ...data } })
}

/** An active platform with one active provider key for each of `keys`; returns the platform's id. */
export async function platformWithKeys(payload: Payload, name: string, baseUrl: string, keys: string[], kind?: Platform['kind']): Promise<string> {
  const platformId = await addPlatform(payload, name, baseUrl, kind)
  for (const key of keys) await addProviderKey(payload, platformId, key)
  return platformId
}

/** An active chat model served by `platformIds`; `data` adds an upstream name, prices, another kind or flags. */
export function addModel(payload: Payload, name: string, platformIds: string | string[], data: Partial<Model> = {}) {
  return payload.create({
    collection: 'models',
    data: { name, platforms: Array.isArray(platformIds) ? platformIds : [platformIds], kind: 'chat', status: 'active', ...data },
  })
}
