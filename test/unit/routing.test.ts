import { FREE } from '../../src/billing/pricing'
import { Readable } from 'node:stream'

import { describe, expect, it } from '@jest/globals'

import { apiKeyFromHeaders, assertModelAllowed, authenticate } from '../../src/relay/auth'
import {
  buildCatalog,
  findModel,
  type Catalog,
  type CatalogApiKey,
  type CatalogModel,
  type CatalogPlatform,
  type CatalogProviderKey,
  type CatalogRows,
} from '../../src/relay/catalog'
import { RelayError } from '../../src/relay/errors'
import { COOL_DOWN_MS, createCoolDowns, judgeUpstreamFailure } from '../../src/relay/key-health'
import type { UpstreamResponse } from '../../src/relay/http'
import { orderCandidates, type Candidate, type RoutingState } from '../../src/relay/routing'
import { expectSuccess } from '../../src/relay/upstreams/openai'
import { UpstreamFailure } from '../../src/relay/upstreams/types'
import { isWildcard, matchesAny, wildcardToRegExp } from '../../src/relay/wildcard'

/**
 * The relay's routing decisions as plain functions: which provider keys are tried in which order,
 * what an upstream failure means for the key that got it, who may call and with which model.
 */

/** Mulberry32: a small seeded PRNG, so weighted-random checks are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const platform = (id: string, extra: Partial<CatalogPlatform> = {}): CatalogPlatform => ({
  id,
  name: `Platform ${id}`,
  kind: 'openai-compatible',
  baseUrl: `https://${id}.example/v1`,
  headers: {},
  routing: 'weighted',
  ...extra,
})

const model = (id: string, name: string, platformIds: string[], extra: Partial<CatalogModel> = {}): CatalogModel => ({
  id,
  name,
  platformIds,
  kind: 'chat',
  prices: FREE,
  ...extra,
})

const key = (id: string, platformId: string, extra: Partial<CatalogProviderKey> = {}): CatalogProviderKey => ({
  id,
  platformId,
  secret: `sk-${id}`,
  modelIds: [],
  priority: 0,
  weight: 1,
  ...extra,
})

function catalogOf(rows: Partial<CatalogRows>): Catalog {
  return buildCatalog({ platforms: [], models: [], providerKeys: [], apiKeys: [], ...rows })
}

function freshState(coolDowns = createCoolDowns()): RoutingState & ReturnType<typeof createCoolDowns> {
  return { ...coolDowns, turns: new Map() }
}

const ids = (candidates: Candidate[]) => candidates.map((c) => c.providerKey?.id ?? `demo:${c.platform.id}`)

/** Resolves the model the way the relay does, then orders its candidates. */
function order(catalog: Catalog, requested: string, state: RoutingState = freshState(), random: () => number = seeded(1), now = 1_000) {
  const found = findModel(catalog, requested)
  if (!found) throw new Error(`no model ${requested}`)
  return orderCandidates(catalog, found, requested, state, now, random)
}

describe('orderCandidates', () => {
  it('tries keys dedicated to the model before generic keys, whatever their priority', () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('m1', 'gpt-x', ['p']), model('m2', 'gpt-y', ['p'])],
      providerKeys: [
        key('generic-high', 'p', { priority: 100 }),
        key('dedicated-low', 'p', { modelIds: ['m1'], priority: -5 }),
        key('other-model', 'p', { modelIds: ['m2'], priority: 1000 }),
      ],
    })
    expect(ids(order(catalog, 'gpt-x'))).toEqual(['dedicated-low', 'generic-high'])
    // A key dedicated to other models does not serve this one at all.
    expect(ids(order(catalog, 'gpt-y'))).toEqual(['other-model', 'generic-high'])
  })

  it('tries higher priority tiers first, across platforms', () => {
    const catalog = catalogOf({
      platforms: [platform('a'), platform('b')],
      models: [model('m', 'gpt-x', ['a', 'b'])],
      providerKeys: [
        key('a-low', 'a', { priority: -1 }),
        key('a-mid', 'a', { priority: 5 }),
        key('b-top', 'b', { priority: 10 }),
        key('b-zero', 'b', { priority: 0 }),
      ],
    })
    for (let seed = 1; seed <= 20; seed++) {
      expect(ids(order(catalog, 'gpt-x', freshState(), seeded(seed)))).toEqual(['b-top', 'a-mid', 'b-zero', 'a-low'])
    }
  })

  it('orders keys within one tier by weighted random choice, following the weights', () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: [key('w1', 'p', { weight: 1 }), key('w3', 'p', { weight: 3 }), key('w6', 'p', { weight: 6 })],
    })
    const random = seeded(42)
    const first: Record<string, number> = { w1: 0, w3: 0, w6: 0 }
    const runs = 20_000
    for (let i = 0; i < runs; i++) {
      const ordered = ids(order(catalog, 'gpt-x', freshState(), random))
      // Every key is still tried once: the weights only decide the order.
      expect([...ordered].sort()).toEqual(['w1', 'w3', 'w6'])
      first[ordered[0]!]! += 1
    }
    expect(first.w1! / runs).toBeCloseTo(0.1, 1)
    expect(first.w3! / runs).toBeCloseTo(0.3, 1)
    expect(first.w6! / runs).toBeCloseTo(0.6, 1)
    // Tighter than toBeCloseTo's ±0.05: 20,000 draws put each share within a point or two.
    expect(Math.abs(first.w1! / runs - 0.1)).toBeLessThan(0.02)
    expect(Math.abs(first.w3! / runs - 0.3)).toBeLessThan(0.02)
    expect(Math.abs(first.w6! / runs - 0.6)).toBeLessThan(0.02)
  })

  it('is deterministic for a given random source', () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: ['a', 'b', 'c', 'd', 'e'].map((id) => key(id, 'p')),
    })
    const run = () => Array.from({ length: 10 }, () => ids(order(catalog, 'gpt-x', freshState(), random)))
    let random = seeded(7)
    const once = run()
    random = seeded(7)
    expect(run()).toEqual(once)
    // …and not always the same order: the tier really is shuffled.
    expect(new Set(once.map((o) => o.join())).size).toBeGreaterThan(1)
  })

  it('puts zero-weight keys last, as a reserve', () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: [key('reserve', 'p', { weight: 0 }), key('a', 'p', { weight: 1 }), key('b', 'p', { weight: 2 })],
    })
    const random = seeded(3)
    for (let i = 0; i < 2_000; i++) expect(ids(order(catalog, 'gpt-x', freshState(), random)).at(-1)).toBe('reserve')
    // A tier of zero-weight keys only is still served.
    const reserveOnly = catalogOf({
      platforms: [platform('p')],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: [key('z1', 'p', { weight: 0 }), key('z2', 'p', { weight: 0 })],
    })
    expect(ids(order(reserveOnly, 'gpt-x'))).toEqual(['z1', 'z2'])
  })

  it('rotates through a tier when the platform asks for round-robin', () => {
    const catalog = catalogOf({
      platforms: [platform('p', { routing: 'round-robin' })],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: [key('a', 'p'), key('b', 'p'), key('c', 'p', { weight: 100 }), key('top', 'p', { priority: 1 })],
    })
    const state = freshState()
    const firsts = Array.from({ length: 6 }, () => ids(order(catalog, 'gpt-x', state, () => 0)))
    expect(firsts).toEqual([
      ['top', 'a', 'b', 'c'],
      ['top', 'b', 'c', 'a'],
      ['top', 'c', 'a', 'b'],
      ['top', 'a', 'b', 'c'],
      ['top', 'b', 'c', 'a'],
      ['top', 'c', 'a', 'b'],
    ])
  })

  it('keeps a separate round-robin turn per model', () => {
    const catalog = catalogOf({
      platforms: [platform('p', { routing: 'round-robin' })],
      models: [model('m1', 'gpt-x', ['p']), model('m2', 'gpt-y', ['p'])],
      providerKeys: [key('a', 'p'), key('b', 'p')],
    })
    const state = freshState()
    expect(ids(order(catalog, 'gpt-x', state))[0]).toBe('a')
    expect(ids(order(catalog, 'gpt-x', state))[0]).toBe('b')
    expect(ids(order(catalog, 'gpt-y', state))[0]).toBe('a')
  })

  it('leaves keys in cool-down out until the cool-down ends', () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: [key('hot', 'p', { priority: 1 }), key('spare', 'p')],
    })
    const state = freshState()
    state.coolDown('hot', COOL_DOWN_MS.rateLimited, 1_000)
    expect(ids(order(catalog, 'gpt-x', state, seeded(1), 1_000))).toEqual(['spare'])
    expect(ids(order(catalog, 'gpt-x', state, seeded(1), 1_000 + COOL_DOWN_MS.rateLimited - 1))).toEqual(['spare'])
    expect(ids(order(catalog, 'gpt-x', state, seeded(1), 1_000 + COOL_DOWN_MS.rateLimited))).toEqual(['hot', 'spare'])
    // Every key cooling: nothing to try.
    state.coolDown('spare', 500, 1_000)
    state.coolDown('hot', 500, 1_000)
    expect(order(catalog, 'gpt-x', state, seeded(1), 1_200)).toEqual([])
  })

  it('gives the offline demo platform one candidate without a provider key', () => {
    const catalog = catalogOf({
      platforms: [platform('demo', { kind: 'demo', baseUrl: '' }), platform('p')],
      models: [model('m', 'modelgate-demo', ['demo', 'p'])],
      providerKeys: [key('k', 'p'), key('ignored-on-demo', 'demo')],
    })
    const candidates = order(catalog, 'modelgate-demo')
    expect(candidates[0]).toMatchObject({ providerKey: null, baseUrl: '', upstreamModel: 'modelgate-demo' })
    expect(candidates[0]!.platform.id).toBe('demo')
    expect(ids(candidates)).toEqual(['demo:demo', 'k'])
  })

  it('sends the requested name for a wildcard model and the upstream name for a mapped model', () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('w', 'gpt-4-gizmo-*', ['p']), model('mapped', 'my-gpt', ['p'], { upstreamName: 'gpt-4o-2024-08-06' })],
      providerKeys: [key('k', 'p')],
    })
    expect(order(catalog, 'gpt-4-gizmo-abc123').map((c) => c.upstreamModel)).toEqual(['gpt-4-gizmo-abc123'])
    expect(order(catalog, 'my-gpt').map((c) => c.upstreamModel)).toEqual(['gpt-4o-2024-08-06'])
  })

  it("uses a key's own base URL over its platform's", () => {
    const catalog = catalogOf({
      platforms: [platform('p')],
      models: [model('m', 'gpt-x', ['p'])],
      providerKeys: [key('own', 'p', { baseUrl: 'https://proxy.example/v1', priority: 1 }), key('plain', 'p')],
    })
    expect(order(catalog, 'gpt-x').map((c) => c.baseUrl)).toEqual(['https://proxy.example/v1', 'https://p.example/v1'])
  })

  it('never offers keys of a platform that is not in the catalog (inactive platforms are not loaded)', () => {
    // The loader passes active platforms only; keys and model links to any other platform are dropped.
    const catalog = catalogOf({
      platforms: [platform('live')],
      models: [model('m', 'gpt-x', ['live', 'gone'])],
      providerKeys: [key('live-key', 'live'), key('gone-key', 'gone', { priority: 99 })],
    })
    expect(catalog.keysByPlatform.has('gone')).toBe(false)
    expect(findModel(catalog, 'gpt-x')!.platformIds).toEqual(['live'])
    expect(ids(order(catalog, 'gpt-x'))).toEqual(['live-key'])
  })
})

describe('catalog lookups', () => {
  const catalog = catalogOf({
    platforms: [platform('p')],
    models: [
      model('any', 'gpt-*', ['p']),
      model('gizmo', 'gpt-4-gizmo-*', ['p']),
      model('exact', 'gpt-4-gizmo-exact', ['p']),
      model('dots', 'qwen2.5-*', ['p']),
    ],
  })

  it('prefers an exact name, then the most specific wildcard', () => {
    expect(findModel(catalog, 'gpt-4-gizmo-exact')!.id).toBe('exact')
    expect(findModel(catalog, 'gpt-4-gizmo-other')!.id).toBe('gizmo')
    expect(findModel(catalog, 'gpt-3.5-turbo')!.id).toBe('any')
    expect(findModel(catalog, 'claude-3')).toBeUndefined()
  })

  it('treats everything but * in a wildcard literally', () => {
    expect(findModel(catalog, 'qwen2.5-72b')!.id).toBe('dots')
    expect(findModel(catalog, 'qwen2x5-72b')).toBeUndefined()
  })
})

describe('judgeUpstreamFailure', () => {
  it.each([
    [401, '', 'disable'],
    [403, '', 'disable'],
    [429, '{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}', 'disable'],
    [402, '', 'disable'],
    [400, 'Your credit balance is too low to access the Anthropic API', 'disable'],
    [429, '{"error":{"code":"rate_limit_exceeded"}}', 'cool-down'],
    [429, '', 'cool-down'],
    [408, '', 'cool-down'],
    [500, '', 'cool-down'],
    [502, '', 'cool-down'],
    [503, 'The engine is currently overloaded', 'cool-down'],
    [504, '', 'cool-down'],
    [null, '', 'cool-down'],
    [400, '{"error":{"message":"max_tokens is too large"}}', 'client-error'],
    [404, '{"error":{"message":"The model does not exist"}}', 'client-error'],
    [422, '', 'client-error'],
    [413, '', 'client-error'],
  ] as const)('%p %j → %s', (status, body, verdict) => {
    expect(judgeUpstreamFailure(status, body)).toBe(verdict)
  })

  it('keeps a 5xx a cool-down even when its body mentions quota', () => {
    expect(judgeUpstreamFailure(503, 'quota exceeded')).toBe('cool-down')
  })
})

/**
 * The relay judges a failed attempt on what the OpenAI upstream module reports: `expectSuccess`
 * throws an UpstreamFailure whose `detail` is the error *message*, and relay.ts afterFailure calls
 * judgeUpstreamFailure(failure.status, failure.detail).
 */
describe('judging a real upstream error answer', () => {
  async function failureOf(status: number, body: unknown): Promise<UpstreamFailure> {
    const response = { statusCode: status, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) }
    const error = await expectSuccess(response as unknown as UpstreamResponse).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UpstreamFailure)
    return error as UpstreamFailure
  }
  const verdictFor = async (status: number, body: unknown) => {
    const failure = await failureOf(status, body)
    return judgeUpstreamFailure(failure.status, failure.detail)
  }

  it("disables a key on OpenAI's quota answer, whose message mentions billing", async () => {
    const body = {
      error: {
        message: 'You exceeded your current quota, please check your plan and billing details.',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    }
    expect(await verdictFor(429, body)).toBe('disable')
  })

  it('cools a rate-limited key down', async () => {
    expect(await verdictFor(429, { error: { message: 'Rate limit reached for requests', code: 'rate_limit_exceeded' } })).toBe('cool-down')
  })

  // The error code travels with the message, so a quota answer whose text does not say so is
  // still recognised (test/helpers/fake-openai.ts's sk-broke answers exactly this).
  it('disables a key on a 429 whose error code is insufficient_quota', async () => {
    const body = { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } }
    expect(await verdictFor(429, body)).toBe('disable')
  })
})

describe('createCoolDowns', () => {
  it('holds a key for the given time, per key', () => {
    const coolDowns = createCoolDowns()
    expect(coolDowns.isCooling('a', 0)).toBe(false)
    coolDowns.coolDown('a', 100, 1_000)
    expect(coolDowns.isCooling('a', 1_000)).toBe(true)
    expect(coolDowns.isCooling('a', 1_099)).toBe(true)
    expect(coolDowns.isCooling('a', 1_100)).toBe(false)
    expect(coolDowns.isCooling('b', 1_050)).toBe(false)
    // A later cool-down replaces the earlier one.
    coolDowns.coolDown('a', 10, 2_000)
    expect(coolDowns.isCooling('a', 2_005)).toBe(true)
    expect(coolDowns.isCooling('a', 2_010)).toBe(false)
  })

  it('defaults to the current time', () => {
    const coolDowns = createCoolDowns()
    coolDowns.coolDown('a', 60_000)
    expect(coolDowns.isCooling('a', Date.now())).toBe(true)
    expect(coolDowns.isCooling('a', Date.now() + 61_000)).toBe(false)
  })
})

describe('apiKeyFromHeaders', () => {
  it.each([
    [{ authorization: 'Bearer sk-abc' }, 'sk-abc'],
    [{ authorization: 'bearer   sk-abc  ' }, 'sk-abc'],
    [{ authorization: 'BEARER sk-abc' }, 'sk-abc'],
    [{ 'x-api-key': 'sk-anthropic-style' }, 'sk-anthropic-style'],
    [{ 'x-api-key': '  sk-padded ' }, 'sk-padded'],
    [{ authorization: 'Bearer sk-wins', 'x-api-key': 'sk-other' }, 'sk-wins'],
    [{ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'sk-fallback' }, 'sk-fallback'],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, undefined],
    [{ 'x-api-key': '' }, undefined],
    [{}, undefined],
  ] as [Record<string, string>, string | undefined][])('%j → %p', (headers, expected) => {
    expect(apiKeyFromHeaders(headers)).toBe(expected)
  })
})

describe('authenticate', () => {
  const NOW = Date.parse('2030-01-01T00:00:00Z')
  const apiKey = (id: string, extra: Partial<CatalogApiKey> = {}): CatalogApiKey & { fingerprint: string } => ({
    id,
    fingerprint: `fp-${id}`,
    ownerId: 'owner',
    active: true,
    models: [],
    ipAllowList: [],
    ...extra,
  })
  const catalog = catalogOf({
    apiKeys: [
      apiKey('ok'),
      apiKey('off', { active: false }),
      apiKey('expired', { expiresAt: NOW - 1 }),
      apiKey('expires-now', { expiresAt: NOW }),
      apiKey('later', { expiresAt: NOW + 60_000 }),
      apiKey('v4', { ipAllowList: ['10.0.0.0/8', '192.168.1.5'] }),
      apiKey('v6', { ipAllowList: ['2001:db8::/32', '::1'] }),
      apiKey('junk-entry', { ipAllowList: ['not-an-address', '172.16.0.0/12'] }),
    ],
  })

  function refusal(fingerprint: string | undefined, ip = '203.0.113.9'): RelayError {
    try {
      authenticate(catalog, fingerprint, ip, NOW)
    } catch (error) {
      expect(error).toBeInstanceOf(RelayError)
      return error as RelayError
    }
    throw new Error('expected a refusal')
  }

  it('accepts an active key and returns it without the fingerprint', () => {
    const key = authenticate(catalog, 'fp-ok', '203.0.113.9', NOW)
    expect(key).toMatchObject({ id: 'ok', ownerId: 'owner', active: true })
    expect(key).not.toHaveProperty('fingerprint')
    expect(authenticate(catalog, 'fp-later', '203.0.113.9', NOW).id).toBe('later')
  })

  it.each([
    ['missing', undefined, /Missing API key/],
    ['unknown', 'fp-nobody', /Incorrect API key/],
    ['disabled', 'fp-off', /disabled/],
    ['expired', 'fp-expired', /expired/],
    ['expiring this instant', 'fp-expires-now', /expired/],
  ])('refuses a %s key with 401 invalid_api_key', (_what, fingerprint, message) => {
    const error = refusal(fingerprint)
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_api_key')
    expect(error.message).toMatch(message)
    expect(error.body()).toEqual({ error: { message: error.message, type: 'invalid_request_error', code: 'invalid_api_key', param: null } })
  })

  it.each([
    ['fp-v4', '10.1.2.3'],
    ['fp-v4', '10.255.255.255'],
    ['fp-v4', '192.168.1.5'],
    ['fp-v4', '::ffff:10.1.2.3'],
    ['fp-v4', '::ffff:192.168.1.5'],
    ['fp-v6', '2001:db8::1'],
    ['fp-v6', '2001:0db8:ffff:0000::abcd'],
    ['fp-v6', '::1'],
    ['fp-v6', '0:0:0:0:0:0:0:1'],
    ['fp-junk-entry', '172.20.1.1'],
  ])('%s accepts %s', (fingerprint, ip) => {
    expect(() => authenticate(catalog, fingerprint, ip, NOW)).not.toThrow()
  })

  it.each([
    ['fp-v4', '11.0.0.1'],
    ['fp-v4', '192.168.1.6'],
    ['fp-v4', '::ffff:11.0.0.1'],
    ['fp-v4', '2001:db8::1'],
    ['fp-v4', ''],
    ['fp-v4', 'garbage'],
    ['fp-v6', '2001:db9::1'],
    ['fp-v6', '10.1.2.3'],
    ['fp-v6', '::2'],
    ['fp-junk-entry', '10.0.0.1'],
  ])('%s refuses %p with 403 ip_not_allowed', (fingerprint, ip) => {
    const error = refusal(fingerprint, ip)
    expect(error.status).toBe(403)
    expect(error.code).toBe('ip_not_allowed')
    expect(error.type).toBe('permission_error')
  })

  it('accepts an IPv4-mapped IPv6 address written as a plain allow-list entry', () => {
    const mapped = catalogOf({ apiKeys: [apiKey('m', { ipAllowList: ['::ffff:10.1.2.3'] })] })
    expect(() => authenticate(mapped, 'fp-m', '10.1.2.3', NOW)).not.toThrow()
    expect(() => authenticate(mapped, 'fp-m', '::ffff:10.1.2.3', NOW)).not.toThrow()
  })

  // Client addresses are normalised to IPv4, so IPv4-mapped CIDR entries are too.
  it('accepts an IPv4-mapped IPv6 CIDR entry such as ::ffff:10.0.0.0/104', () => {
    const mapped = catalogOf({ apiKeys: [apiKey('m', { ipAllowList: ['::ffff:10.0.0.0/104'] })] })
    expect(() => authenticate(mapped, 'fp-m', '10.1.2.3', NOW)).not.toThrow()
  })

  it('checks the key before the address', () => {
    const restricted = catalogOf({ apiKeys: [apiKey('gone', { active: false, ipAllowList: ['10.0.0.0/8'] })] })
    expect(() => authenticate(restricted, 'fp-gone', '11.0.0.1', NOW)).toThrow(expect.objectContaining({ status: 401 }))
  })
})

describe('assertModelAllowed', () => {
  const key = (models: string[]): CatalogApiKey => ({ id: 'k', ownerId: 'o', active: true, models, ipAllowList: [] })

  it('allows every model when the key lists none', () => {
    expect(() => assertModelAllowed(key([]), 'anything-at-all')).not.toThrow()
  })

  it('allows exact names and wildcards, and refuses the rest with 403 model_not_allowed', () => {
    const limited = key(['gpt-4o*', 'claude-*-sonnet', 'modelgate-demo'])
    for (const ok of ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet', 'modelgate-demo']) {
      expect(() => assertModelAllowed(limited, ok)).not.toThrow()
    }
    for (const refused of ['gpt-4', 'GPT-4o', 'claude-3-opus', 'modelgate-demo-2', 'x-gpt-4o']) {
      let error: unknown
      try {
        assertModelAllowed(limited, refused)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(RelayError)
      expect(error).toMatchObject({ status: 403, code: 'model_not_allowed', type: 'permission_error', param: 'model' })
    }
  })
})

describe('wildcards', () => {
  it('recognises a wildcard by its *', () => {
    expect(isWildcard('gpt-4-gizmo-*')).toBe(true)
    expect(isWildcard('*')).toBe(true)
    expect(isWildcard('gpt-4o')).toBe(false)
  })

  it.each([
    ['gpt-4-gizmo-*', 'gpt-4-gizmo-abc', true],
    ['gpt-4-gizmo-*', 'gpt-4-gizmo-', true],
    ['gpt-4-gizmo-*', 'gpt-4-gizmo', false],
    ['gpt-4-gizmo-*', 'my-gpt-4-gizmo-abc', false],
    ['*-preview', 'o1-preview', true],
    ['*-preview', 'o1-preview-2', false],
    ['claude-*-sonnet-*', 'claude-3-5-sonnet-20241022', true],
    ['*', 'anything', true],
    ['*', '', true],
    ['qwen2.5-*', 'qwen2.5-72b', true],
    ['qwen2.5-*', 'qwen2x5-72b', false],
    ['a+b(c)[d]{e}|f^g$h?*', 'a+b(c)[d]{e}|f^g$h?-tail', true],
    ['a+b(c)*', 'aab(c)-tail', false],
    ['back\\slash*', 'back\\slash-1', true],
  ])('%s matches %p: %p', (pattern, name, expected) => {
    expect(wildcardToRegExp(pattern).test(name)).toBe(expected)
  })

  it('matches a name against a list of names and wildcards', () => {
    expect(matchesAny(['gpt-4o', 'claude-*'], 'gpt-4o')).toBe(true)
    expect(matchesAny(['gpt-4o', 'claude-*'], 'claude-3-haiku')).toBe(true)
    expect(matchesAny(['gpt-4o', 'claude-*'], 'gpt-4o-mini')).toBe(false)
    expect(matchesAny(['gpt.4o'], 'gpt-4o')).toBe(false)
    expect(matchesAny([], 'gpt-4o')).toBe(false)
  })
})
