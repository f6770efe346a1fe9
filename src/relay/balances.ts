import { request } from 'undici'

import { redactSecret } from '../lib/secrets'
import { readBounded } from './http'
import { presetNamed } from './presets'
import { upstreamMessage } from './upstreams/openai'

/**
 * Asks a provider how much credit a key's account has left, for the providers with an API for it.
 * Amounts are integer micro-units (1,000,000 = one unit) of the provider's own currency.
 */
export type Balance = { amount: number; currency: string }

export type BalanceSource = { provider: string; url: string; read: (answer: unknown) => Balance }

type Reader = {
  /** The provider's own API hosts and the currency each bills in; the first is assumed elsewhere. */
  hosts: Record<string, string>
  /** From the API's root: the base URL without the version path of its preset. */
  path: string
  read: (answer: any, currency: string) => Balance
}

const TIMEOUT_MS = 10_000

function micros(value: unknown): number {
  const units = typeof value === 'string' && value.trim() ? Number(value) : value
  if (typeof units !== 'number' || !Number.isFinite(units)) throw new Error('the answer has no amount')
  return Math.round(units * 1_000_000)
}

const READERS: Record<string, Reader> = {
  deepseek: {
    hosts: { 'api.deepseek.com': 'CNY' },
    path: '/user/balance',
    read: (answer, currency) => {
      const infos: { total_balance?: unknown; currency?: string }[] = answer?.balance_infos ?? []
      // An account holds one entry per currency it was topped up in; the one with money counts.
      const info = infos.find((i) => micros(i.total_balance) > 0) ?? infos[0]
      if (!info) throw new Error('the answer has no balance')
      return { amount: micros(info.total_balance), currency: info.currency || currency }
    },
  },
  moonshot: {
    hosts: { 'api.moonshot.cn': 'CNY', 'api.moonshot.ai': 'USD' },
    path: '/v1/users/me/balance',
    read: (answer, currency) => ({ amount: micros(answer?.data?.available_balance), currency }),
  },
  siliconflow: {
    hosts: { 'api.siliconflow.cn': 'CNY', 'api.siliconflow.com': 'USD' },
    path: '/v1/user/info',
    read: (answer, currency) => ({ amount: micros(answer?.data?.totalBalance), currency }),
  },
  openrouter: {
    hosts: { 'openrouter.ai': 'USD' },
    path: '/api/v1/credits',
    read: (answer, currency) => ({ amount: micros(answer?.data?.total_credits) - micros(answer?.data?.total_usage), currency }),
  },
}

/** `https://api.deepseek.com/v1` → `https://api.deepseek.com`; a proxy's own path prefix stays. */
function apiRoot(baseUrl: string, provider: string): string {
  const base = baseUrl.replace(/\/+$/, '')
  const versionPath = new URL(presetNamed(provider)!.baseUrl).pathname.replace(/\/+$/, '')
  return versionPath && base.endsWith(versionPath) ? base.slice(0, -versionPath.length) : base
}

/**
 * Where and how to ask for a key's balance, or undefined when its provider reports none. The host
 * the key talks to decides; a host of its own (a proxy, a test server) falls back to the preset.
 */
export function balanceSource(
  platform: { preset?: string | null; baseUrl?: string | null },
  keyBaseUrl?: string | null,
): BalanceSource | undefined {
  const baseUrl = keyBaseUrl || platform.baseUrl
  if (!baseUrl || !URL.canParse(baseUrl)) return undefined
  const host = new URL(baseUrl).hostname
  const byHost = Object.keys(READERS).find((name) => Object.hasOwn(READERS[name]!.hosts, host))
  const provider = byHost ?? (platform.preset && Object.hasOwn(READERS, platform.preset) ? platform.preset : undefined)
  if (!provider) return undefined
  const reader = READERS[provider]!
  const currency = reader.hosts[host] ?? Object.values(reader.hosts)[0]!
  return { provider, url: apiRoot(baseUrl, provider) + reader.path, read: (answer) => reader.read(answer, currency) }
}

/** Asks for the balance; a failure's message never contains the key, even when the provider quotes it. */
export async function fetchBalance(source: BalanceSource, secret: string, headers: Record<string, string> = {}): Promise<Balance> {
  try {
    const response = await request(source.url, {
      method: 'GET',
      headers: { ...headers, accept: 'application/json', authorization: `Bearer ${secret}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    const text = await readBounded(response.body)
    if (response.statusCode >= 300) throw new Error(`${response.statusCode}: ${upstreamMessage(text)}`)
    let answer: unknown
    try {
      answer = JSON.parse(text)
    } catch {
      throw new Error(`the answer is not JSON: ${text.trim().slice(0, 200)}`)
    }
    return source.read(answer)
  } catch (error) {
    throw new Error(redactSecret((error as Error).message, secret))
  }
}
