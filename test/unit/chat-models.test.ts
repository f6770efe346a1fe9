import { describe, expect, it } from '@jest/globals'

import type { SubscriptionSummary } from '../../src/billing/statement'
import { chatModelsOf, coveredBy, titleModelOf, viewOf } from '../../src/chat/models'
import { buildCatalog } from '../../src/relay/catalog'

const prices = (request = 0) => ({ input: 0, output: 0, cachedInput: 0, request, characters: 0, supplierCost: 0, inputMultiplier: 1, outputMultiplier: 1 })
const catalog = buildCatalog({
  platforms: [],
  providerKeys: [],
  apiKeys: [],
  models: [
    { id: '1', name: 'zeta', platformIds: [], kind: 'chat', prices: prices() },
    { id: '2', name: 'alpha', platformIds: [], kind: 'chat', prices: prices(1000) },
    { id: '3', name: 'embed', platformIds: [], kind: 'embedding', prices: prices() },
    { id: '4', name: 'gpt-*', platformIds: [], kind: 'chat', prices: prices() },
  ],
})

const plan = (models: string[], remaining: number): SubscriptionSummary => ({
  id: 's',
  planId: 'p',
  name: 'P',
  source: 'staff',
  startsAt: '',
  expiresAt: '',
  resources: [{ name: 'r', models, meter: 'requests', limit: 10, used: 0, reserved: 0, remaining }],
})

describe('the chat models', () => {
  it('lists named chat models, the default first, with flags from the collection', () => {
    const models = chatModelsOf(catalog, new Map([['1', { defaultForNewChats: true, contextWindow: 1000, vision: true, titleModel: true }]]))
    expect(models.map((m) => [m.name, m.default, m.contextWindow, m.vision])).toEqual([
      ['zeta', true, 1000, true],
      ['alpha', false, null, false],
    ])
    expect(titleModelOf(models, models[1]!).name).toBe('zeta')
  })

  it('makes the first model the default when none is flagged, and the conversation model names titles', () => {
    const models = chatModelsOf(catalog, new Map())
    expect(models.map((m) => [m.name, m.default])).toEqual([
      ['alpha', true],
      ['zeta', false],
    ])
    expect(titleModelOf(models, models[1]!).name).toBe('zeta')
  })

  it('is covered by a plan resource with something left, or unlimited', () => {
    expect(coveredBy([plan(['al*'], 3)], 'alpha')).toBe(true)
    expect(coveredBy([plan(['al*'], -1)], 'alpha')).toBe(true)
    expect(coveredBy([plan(['al*'], 0)], 'alpha')).toBe(false)
    expect(coveredBy([plan(['zeta'], 3)], 'alpha')).toBe(false)
  })

  it('shows prices and whether the model is free', () => {
    const [alpha] = chatModelsOf(catalog, new Map())
    expect(viewOf(alpha!, [])).toEqual({
      name: 'alpha',
      kind: 'chat',
      contextWindow: null,
      vision: false,
      default: true,
      covered: false,
      free: false,
      prices: { input: 0, output: 0, cachedInput: 0, request: 1000, perThousandCharacters: 0 },
    })
  })
})
