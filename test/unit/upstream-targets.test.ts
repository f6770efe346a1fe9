import { describe, expect, it } from '@jest/globals'

import type { CatalogPlatform } from '../../src/relay/catalog'
import { PLATFORM_PRESETS } from '../../src/relay/presets'
import type { Candidate } from '../../src/relay/routing'
import { anthropicTarget } from '../../src/relay/upstreams/anthropic'
import { openAITarget, upstreamMessage } from '../../src/relay/upstreams/openai'

function candidate(platform: Partial<CatalogPlatform>, upstreamModel = 'gpt-4o'): Candidate {
  const full: CatalogPlatform = { id: 'p', name: 'P', kind: 'openai-compatible', baseUrl: '', headers: {}, routing: 'weighted', ...platform }
  return {
    platform: full,
    providerKey: { id: 'k', platformId: 'p', secret: 'sk-secret', modelIds: [], priority: 0, weight: 1 },
    baseUrl: full.baseUrl,
    upstreamModel,
  }
}

describe('where each platform kind is called', () => {
  it('calls OpenAI-compatible platforms at <base>/<path> with a bearer key and the extra headers', () => {
    expect(openAITarget(candidate({ baseUrl: 'https://api.deepseek.com/v1/', headers: { 'x-org': 'acme' } }), 'chat/completions')).toEqual({
      url: 'https://api.deepseek.com/v1/chat/completions',
      headers: { 'x-org': 'acme', authorization: 'Bearer sk-secret' },
    })
  })

  it("calls Gemini through its OpenAI-compatible endpoint", () => {
    const gemini = PLATFORM_PRESETS.find((p) => p.value === 'gemini')!
    expect(openAITarget(candidate({ kind: 'gemini', baseUrl: gemini.baseUrl }), 'chat/completions').url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions',
    )
  })

  it('calls Azure OpenAI by deployment and api-version with an api-key header', () => {
    const target = openAITarget(candidate({ kind: 'azure-openai', baseUrl: 'https://acme.openai.azure.com', apiVersion: '2024-10-21' }, 'my-gpt4o'), 'chat/completions')
    expect(target).toEqual({
      url: 'https://acme.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21',
      headers: { 'api-key': 'sk-secret' },
    })
  })

  it('calls Anthropic at /v1/messages with x-api-key and a version', () => {
    expect(anthropicTarget(candidate({ kind: 'anthropic', baseUrl: 'https://api.anthropic.com' }))).toEqual({
      url: 'https://api.anthropic.com/v1/messages',
      headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-secret' },
    })
  })

  it('has a preset for every provider the operators asked for', () => {
    expect(PLATFORM_PRESETS.map((p) => p.value)).toEqual(
      expect.arrayContaining(['openai', 'deepseek', 'qwen', 'zhipu', 'moonshot', 'ernie', 'siliconflow', 'openrouter', 'fastgpt', 'anthropic', 'gemini']),
    )
  })
})

describe('upstreamMessage', () => {
  it.each([
    ['{"error":{"message":"Bad key","code":"invalid_api_key"}}', 'Bad key (invalid_api_key)'],
    ['{"error":{"message":"quota (insufficient_quota)","code":"insufficient_quota"}}', 'quota (insufficient_quota)'],
    ['{"message":"plain"}', 'plain'],
    ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'Overloaded (overloaded_error)'],
    ['<html>502 Bad Gateway</html>', '<html>502 Bad Gateway</html>'],
  ])('reads %s', (body, message) => {
    expect(upstreamMessage(body)).toBe(message)
  })
})
