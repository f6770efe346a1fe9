import type { Payload } from 'payload'

import { covers } from '../billing/plans'
import type { SubscriptionSummary } from '../billing/statement'
import type { Catalog, CatalogModel } from '../relay/catalog'

/**
 * The models the chat app offers: the relay's active chat models by their exact names (a wildcard
 * names no model to pick), with what the catalog does not carry read from the collection.
 */

export type ChatModel = CatalogModel & { contextWindow: number | null; vision: boolean; default: boolean; title: boolean }

export type ModelView = {
  name: string
  kind: CatalogModel['kind']
  contextWindow: number | null
  vision: boolean
  default: boolean
  covered: boolean
  free: boolean
  prices: { input: number; output: number; cachedInput: number; request: number; perThousandCharacters: number }
}

type Flags = { contextWindow?: number | null; defaultForNewChats?: boolean | null; titleModel?: boolean | null; vision?: boolean | null }

/** Default first, then by name; with no model flagged the first one is the default, so a new chat always has one. */
export function chatModelsOf(catalog: Catalog, flags: Map<string, Flags>): ChatModel[] {
  const models = [...catalog.modelsByName.values()]
    .filter((m) => m.kind === 'chat')
    .map((m) => {
      const f = flags.get(m.id) ?? {}
      return { ...m, contextWindow: f.contextWindow || null, vision: Boolean(f.vision), default: Boolean(f.defaultForNewChats), title: Boolean(f.titleModel) }
    })
    .sort((a, b) => Number(b.default) - Number(a.default) || a.name.localeCompare(b.name))
  if (models[0] && !models.some((m) => m.default)) models[0] = { ...models[0], default: true }
  return models
}

export async function loadChatModels(payload: Payload, catalog: Catalog): Promise<ChatModel[]> {
  const { docs } = await payload.find({
    collection: 'models',
    where: { kind: { equals: 'chat' } },
    select: { contextWindow: true, defaultForNewChats: true, titleModel: true, vision: true },
    pagination: false,
    depth: 0,
    overrideAccess: true,
  })
  return chatModelsOf(catalog, new Map(docs.map((d) => [String(d.id), d])))
}

/** A plan covers a model while one of its resources names it and has something left (−1: unlimited). */
export function coveredBy(subscriptions: SubscriptionSummary[], model: string): boolean {
  return subscriptions.some((s) => s.resources.some((r) => r.remaining !== 0 && covers(r, model)))
}

export function viewOf(model: ChatModel, subscriptions: SubscriptionSummary[]): ModelView {
  const p = model.prices
  return {
    name: model.name,
    kind: model.kind,
    contextWindow: model.contextWindow,
    vision: model.vision,
    default: model.default,
    covered: coveredBy(subscriptions, model.name),
    free: p.input === 0 && p.output === 0 && p.cachedInput === 0 && p.request === 0 && p.characters === 0,
    prices: { input: p.input, output: p.output, cachedInput: p.cachedInput, request: p.request, perThousandCharacters: p.characters },
  }
}

/** The model that names conversations: the one flagged for titles, else the conversation's own. */
export function titleModelOf(models: ChatModel[], fallback: ChatModel): ChatModel {
  return models.find((m) => m.title) ?? fallback
}
