import { readBounded, sendUpstream, type Timeouts } from './http'
import type { CatalogPlatform } from './catalog'
import { anthropicTarget } from './upstreams/anthropic'
import { openAITarget, upstreamMessage } from './upstreams/openai'

const PROBE_TIMEOUTS: Timeouts = { connectMs: 5000, firstByteMs: 15_000, idleMs: 15_000 }

/**
 * Asks the provider whether a key works, with the cheapest authenticated call there is: listing
 * models. Costs nothing and needs no model name.
 */
export async function probeProviderKey(
  platform: CatalogPlatform,
  key: { secret: string; baseUrl?: string },
): Promise<{ ok: true } | { ok: false; detail: string }> {
  const candidate = { platform, providerKey: { id: '', platformId: platform.id, secret: key.secret, modelIds: [], priority: 0, weight: 1 }, baseUrl: key.baseUrl || platform.baseUrl, upstreamModel: '' }
  const target =
    platform.kind === 'anthropic'
      ? { ...anthropicTarget(candidate), url: anthropicTarget(candidate).url.replace(/\/messages$/, '/models') }
      : openAITarget(candidate, 'models')
  try {
    const response = await sendUpstream({ ...target, method: 'GET', signal: AbortSignal.timeout(20_000), timeouts: PROBE_TIMEOUTS })
    const text = await readBounded(response.body)
    return response.statusCode < 300 ? { ok: true } : { ok: false, detail: `${response.statusCode}: ${upstreamMessage(text)}` }
  } catch (error) {
    return { ok: false, detail: (error as Error).message }
  }
}
