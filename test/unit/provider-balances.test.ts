import { describe, expect, it } from '@jest/globals'

import { balanceSource } from '../../src/relay/balances'
import { PLATFORM_PRESETS } from '../../src/relay/presets'

const preset = (value: string) => {
  const found = PLATFORM_PRESETS.find((p) => p.value === value)!
  return { preset: found.value, baseUrl: found.baseUrl }
}

function read(platform: { preset?: string | null; baseUrl?: string | null }, answer: unknown, keyBaseUrl?: string) {
  return balanceSource(platform, keyBaseUrl)!.read(answer)
}

// Answers as the providers document them.
const DEEPSEEK = {
  is_available: true,
  balance_infos: [{ currency: 'CNY', total_balance: '110.00', granted_balance: '10.00', topped_up_balance: '100.00' }],
}
const MOONSHOT = { code: 0, data: { available_balance: 49.58894, voucher_balance: 46.58893, cash_balance: 3.00001 }, scode: '0x0', status: true }
const SILICONFLOW = {
  code: 20000,
  message: 'OK',
  status: true,
  data: { id: 'userid', name: 'username', email: 'a@b.c', isAdmin: false, balance: '0.88', status: 'normal', chargeBalance: '88.00', totalBalance: '88.88' },
}
const OPENROUTER = { data: { total_credits: 100.5, total_usage: 25.758412 } }

describe('where a balance is asked for', () => {
  it("asks each provider's own balance API at the root of its preset's base URL", () => {
    expect(balanceSource(preset('deepseek'))?.url).toBe('https://api.deepseek.com/user/balance')
    expect(balanceSource(preset('moonshot'))?.url).toBe('https://api.moonshot.cn/v1/users/me/balance')
    expect(balanceSource(preset('siliconflow'))?.url).toBe('https://api.siliconflow.cn/v1/user/info')
    expect(balanceSource(preset('openrouter'))?.url).toBe('https://openrouter.ai/api/v1/credits')
  })

  it('recognizes a provider by its host when the platform has no preset', () => {
    expect(balanceSource({ baseUrl: 'https://api.deepseek.com' })?.provider).toBe('deepseek')
    expect(balanceSource({ baseUrl: 'https://api.moonshot.ai/v1' })).toMatchObject({ provider: 'moonshot', url: 'https://api.moonshot.ai/v1/users/me/balance' })
  })

  it("follows the key's base URL override, keeping a proxy's path prefix", () => {
    expect(balanceSource(preset('deepseek'), 'https://proxy.example/deepseek/v1/')?.url).toBe('https://proxy.example/deepseek/user/balance')
    expect(balanceSource(preset('openrouter'), 'http://127.0.0.1:9999/api/v1')?.url).toBe('http://127.0.0.1:9999/api/v1/credits')
  })

  it('reports nothing for providers without a balance API, or without a usable base URL', () => {
    for (const name of ['openai', 'qwen', 'zhipu', 'ernie', 'fastgpt', 'anthropic', 'gemini']) expect(balanceSource(preset(name))).toBeUndefined()
    expect(balanceSource({ baseUrl: 'https://llm.internal.example/v1' })).toBeUndefined()
    expect(balanceSource({ preset: 'deepseek', baseUrl: null })).toBeUndefined()
    expect(balanceSource({ preset: 'deepseek', baseUrl: 'not a url' })).toBeUndefined()
  })
})

describe('reading the answer', () => {
  it('DeepSeek: total_balance in the currency it names, as micro-units', () => {
    expect(read(preset('deepseek'), DEEPSEEK)).toEqual({ amount: 110_000_000, currency: 'CNY' })
  })

  it('DeepSeek: of several currencies, the one holding money', () => {
    const both = { is_available: true, balance_infos: [{ currency: 'CNY', total_balance: '0.00' }, { currency: 'USD', total_balance: '7.25' }] }
    expect(read(preset('deepseek'), both)).toEqual({ amount: 7_250_000, currency: 'USD' })
  })

  it('Moonshot: available_balance, in CNY on api.moonshot.cn and USD on api.moonshot.ai', () => {
    expect(read(preset('moonshot'), MOONSHOT)).toEqual({ amount: 49_588_940, currency: 'CNY' })
    expect(read({ baseUrl: 'https://api.moonshot.ai/v1' }, MOONSHOT)).toEqual({ amount: 49_588_940, currency: 'USD' })
  })

  it('SiliconFlow: totalBalance (gift plus charged)', () => {
    expect(read(preset('siliconflow'), SILICONFLOW)).toEqual({ amount: 88_880_000, currency: 'CNY' })
    expect(read({ baseUrl: 'https://api.siliconflow.com/v1' }, SILICONFLOW).currency).toBe('USD')
  })

  it('OpenRouter: credits bought less credits used, in USD', () => {
    expect(read(preset('openrouter'), OPENROUTER)).toEqual({ amount: 74_741_588, currency: 'USD' })
  })

  it('refuses answers without an amount rather than storing zero', () => {
    expect(() => read(preset('deepseek'), { is_available: false, balance_infos: [] })).toThrow('no balance')
    expect(() => read(preset('moonshot'), { code: 0, data: {} })).toThrow('no amount')
    expect(() => read(preset('siliconflow'), { code: 20000, data: { totalBalance: 'n/a' } })).toThrow('no amount')
    expect(() => read(preset('openrouter'), { error: { message: 'nope' } })).toThrow('no amount')
  })
})
