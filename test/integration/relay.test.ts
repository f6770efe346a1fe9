import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import OpenAI from 'openai'

import { DEMO_MODEL_NAME } from '../../src/seed'
import { addModel, addPlatform, addProviderKey, platformWithKeys } from '../helpers/catalog'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { waitFor } from '../helpers/rest'
import { catalogSettled, startTestServer, type TestServer } from '../helpers/server'

/**
 * The relay driven by the official `openai` client over HTTP, in front of a local fake provider
 * that speaks OpenAI's wire format.
 */

let server: TestServer
let upstream: FakeUpstream
let client: OpenAI
let customerKey: string
let customerId: string

async function createApiKey(data: Record<string, unknown> = {}): Promise<string> {
  const doc = await server.payload.create({
    collection: 'api-keys',
    data: { name: 'test', owner: customerId, status: 'active', ...data },
  })
  return (doc as unknown as { key: string }).key
}

async function usageLogs(where: Record<string, unknown> = {}) {
  await server.gateway.usage.flush()
  const { docs } = await server.payload.find({ collection: 'usage-logs', where: where as never, sort: '-createdAt', limit: 50 })
  return docs
}

/** The fake upstream saw the socket of its `index`-th request close within `ms` from now. */
async function expectSocketClosedWithin(index: number, ms: number) {
  await waitFor(async () => upstream.closedSockets.includes(index), { timeoutMs: ms, intervalMs: 10 })
  expect(upstream.closedSockets).toContain(index)
}

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  server = await startTestServer({ RELAY_FIRST_BYTE_TIMEOUT_MS: '800', RELAY_MAX_BODY_MB: '0.05' })
  const customer = await server.payload.create({ collection: 'users', data: { email: 'dev@relay.test', password: 'relay-password-1' } })
  customerId = customer.id

  const p = server.payload
  const main = await platformWithKeys(p, 'Fake OpenAI', upstream.baseUrl, ['sk-good'])
  await addModel(p, 'gpt-test', main, { upstreamName: 'gpt-upstream' })
  await addModel(p, 'gpt-4-gizmo-*', main)

  const failover = await addPlatform(p, 'Failover', upstream.baseUrl)
  await addModel(p, 'gpt-failover', failover)
  await addProviderKey(p, failover, 'sk-revoked', { priority: 10 })
  await addProviderKey(p, failover, 'sk-good')

  const busy = await addPlatform(p, 'Busy', upstream.baseUrl)
  await addModel(p, 'gpt-busy', busy)
  await addProviderKey(p, busy, 'sk-busy', { priority: 1 })
  await addProviderKey(p, busy, 'sk-down')

  await addModel(p, 'gpt-stall', await platformWithKeys(p, 'Stalled', upstream.baseUrl, ['sk-stall']))
  // A platform of its own: the timeout test above leaves its key cooling down.
  await addModel(p, 'gpt-abandoned', await platformWithKeys(p, 'Stalled, for the client that leaves', upstream.baseUrl, ['sk-stall']))
  await addModel(p, 'gpt-slow', await platformWithKeys(p, 'Slow', upstream.baseUrl, ['sk-slow']))

  await addModel(p, 'text-embed', main, { upstreamName: 'text-embedding-3-small' })
  await addModel(p, 'image-gen', main)
  await addModel(p, 'whisper-test', main, { upstreamName: 'whisper-1' })

  await addModel(p, 'gpt-nokeys', await addPlatform(p, 'Empty', upstream.baseUrl))

  customerKey = await createApiKey()
  await catalogSettled(server)
  client = new OpenAI({ apiKey: customerKey, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

describe('chat completions', () => {
  it('answers without streaming, with the upstream name sent upstream and usage logged', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] })
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake upstream, streamed in pieces.')
    expect(upstream.requests.at(-1)!.body.model).toBe('gpt-upstream')
    const [log] = await usageLogs({ model: { equals: 'gpt-test' } })
    expect(log).toMatchObject({
      status: 'success',
      stream: false,
      upstreamModel: 'gpt-upstream',
      promptTokens: 11,
      completionTokens: 9,
      cachedTokens: 3,
      usageSource: 'upstream',
    })
  })

  it('passes an OpenAI-style answer on byte for byte', async () => {
    const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }),
    })
    const text = await res.text()
    expect(res.status).toBe(200)
    // The fake indents its JSON as OpenAI does; an answer parsed and encoded again would not be.
    expect(text).toContain('\n  "choices": [')
    expect(JSON.parse(text).choices[0].message.content).toBe('Hello from the fake upstream, streamed in pieces.')
  })

  it('streams pieces as they come, asking the upstream for usage without passing it on', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true })
    const pieces: string[] = []
    for await (const chunk of stream) {
      expect(chunk.usage ?? null).toBeNull()
      if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content)
    }
    expect(pieces.length).toBeGreaterThan(3)
    expect(pieces.join('')).toBe('Hello from the fake upstream, streamed in pieces.')
    expect(upstream.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true })
    const [log] = await usageLogs({ model: { equals: 'gpt-test' }, stream: { equals: true } })
    expect(log).toMatchObject({ status: 'success', promptTokens: 11, completionTokens: 9, usageSource: 'upstream' })
  })

  it('passes the usage chunk to a client that asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) usage = chunk.usage ?? usage
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 9 })
  })

  it('passes tools through and returns tool calls', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    })
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(completion.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { name: 'get_weather', arguments: '{"city":"Paris"}' } })
    expect(upstream.requests.at(-1)!.body.tools[0].function.name).toBe('get_weather')
  })

  it('passes vision content parts and JSON mode through unchanged', async () => {
    const content: OpenAI.Chat.ChatCompletionContentPart[] = [
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ]
    await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content }], response_format: { type: 'json_object' } })
    const sent = upstream.requests.at(-1)!.body
    expect(sent.messages[0].content).toEqual(content)
    expect(sent.response_format).toEqual({ type: 'json_object' })
  })

  it('serves wildcard models under the requested name', async () => {
    await client.chat.completions.create({ model: 'gpt-4-gizmo-abc123', messages: [{ role: 'user', content: 'Hi' }] })
    expect(upstream.requests.at(-1)!.body.model).toBe('gpt-4-gizmo-abc123')
  })

  it('answers with the offline Demo model', async () => {
    const stream = await client.chat.completions.create({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'Ping' }], stream: true })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toContain('"Ping"')
  })
})

describe('embeddings, images and transcriptions', () => {
  it('relays embeddings with the upstream name and logs their usage', async () => {
    const result = await client.embeddings.create({ model: 'text-embed', input: ['a', 'b'] })
    expect(result.data).toHaveLength(2)
    expect(upstream.requests.at(-1)!.body.model).toBe('text-embedding-3-small')
    const [log] = await usageLogs({ model: { equals: 'text-embed' } })
    expect(log).toMatchObject({ status: 'success', endpoint: '/v1/embeddings', promptTokens: 10 })
  })

  it('relays image generation', async () => {
    const result = await client.images.generate({ model: 'image-gen', prompt: 'a red fox' })
    expect(result.data![0]!.revised_prompt).toBe('a red fox')
  })

  it('relays an audio upload as multipart with the upstream model name', async () => {
    const file = new File([new Uint8Array([82, 73, 70, 70, 0, 0])], 'hello.wav', { type: 'audio/wav' })
    const result = await client.audio.transcriptions.create({ model: 'whisper-test', file })
    expect(result.text).toBe('transcribed by whisper-1 (file: true)')
    expect(upstream.requests.at(-1)!.body.contentType).toMatch(/^multipart\/form-data; boundary=/)
  })

  it('refuses endpoints the Demo platform does not offer', async () => {
    const error = await client.embeddings.create({ model: DEMO_MODEL_NAME, input: 'x' }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error.code).toBe('unsupported_endpoint')
  })
})

describe('models', () => {
  it('lists what the key may use', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id)
    expect(ids).toEqual(expect.arrayContaining(['gpt-test', DEMO_MODEL_NAME]))
    const limited = new OpenAI({ apiKey: await createApiKey({ models: ['gpt-t*'] }), baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
    await catalogSettled(server)
    expect((await limited.models.list()).data.map((m) => m.id)).toEqual(['gpt-test'])
  })
})

describe('errors in OpenAI shape', () => {
  it('rejects a bad key with AuthenticationError', async () => {
    const bad = new OpenAI({ apiKey: 'sk-not-a-key', baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
    await expect(bad.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    )
  })

  it('accepts the key as x-api-key too', async () => {
    const res = await fetch(`${server.baseUrl}/v1/models`, { headers: { 'x-api-key': customerKey } })
    expect(res.status).toBe(200)
  })

  it('answers an unknown model with NotFoundError', async () => {
    const error = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect(error.code).toBe('model_not_found')
  })

  it('answers a model outside the key allow-list with PermissionDeniedError', async () => {
    const limited = new OpenAI({ apiKey: await createApiKey({ models: ['gpt-test'] }), baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
    await catalogSettled(server)
    const error = await limited.chat.completions.create({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(error.code).toBe('model_not_allowed')
  })

  it('answers a request without messages with BadRequestError', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: [] }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
  })

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const post = (body: string) =>
      fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerKey}`, 'content-type': 'application/json' },
        body,
      })
    const malformed = await post('{"model": "gpt-test", "messages": [')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } })
    const huge = await post(JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }))
    expect(huge.status).toBe(413)
    expect(await huge.json()).toMatchObject({ error: { code: 'request_too_large' } })
  })

  it('answers a key over its requests-per-minute limit with RateLimitError', async () => {
    const limited = new OpenAI({ apiKey: await createApiKey({ rpmLimit: 1 }), baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
    await catalogSettled(server)
    await limited.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] })
    const error = await limited.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect(error.code).toBe('rate_limit_exceeded')
  })

  it('refuses a disabled or expired key', async () => {
    for (const data of [{ status: 'disabled' }, { expiresAt: new Date(Date.now() - 1000).toISOString() }]) {
      const key = new OpenAI({ apiKey: await createApiKey(data), baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
      await catalogSettled(server)
      await expect(key.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
    }
  })

  it('refuses a key used from an address outside its allow-list', async () => {
    const key = new OpenAI({ apiKey: await createApiKey({ ipAllowList: ['10.0.0.0/8'] }), baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
    await catalogSettled(server)
    await expect(key.models.list()).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError)
  })
})

describe('failover', () => {
  it('disables a refused key and serves the request with the next one, unnoticed', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-failover', messages: [{ role: 'user', content: 'Hi' }] })
    expect(completion.choices[0]!.message.content).toContain('fake upstream')
    const keys = upstream.requests.slice(-2).map((r) => r.key)
    expect(keys).toEqual(['sk-revoked', 'sk-good'])
    await new Promise((resolve) => setTimeout(resolve, 100))
    const { docs } = await server.payload.find({ collection: 'provider-keys', where: { name: { equals: 'sk-revoked' } } })
    expect(docs[0]).toMatchObject({ status: 'disabled-auto', disabledReason: 'upstream answered 401' })
    expect(docs[0]!.upstreamMessage).toContain('Incorrect API key provided')
    const [log] = await usageLogs({ model: { equals: 'gpt-failover' } })
    expect(log).toMatchObject({ status: 'success', attempts: 2 })
  })

  it('answers with the documented error when every key fails, keeping the provider meaning', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-busy', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect(error.status).toBe(502)
    expect(error.code).toBe('upstream_error')
    expect(error.message).toMatch(/All 2 provider attempt\(s\) for "gpt-busy" failed/)
    expect(error.message).toContain('overloaded')
    const [log] = await usageLogs({ model: { equals: 'gpt-busy' } })
    expect(log).toMatchObject({ status: 'error', httpStatus: 502 })
  })

  it('answers 503 when no key serves the model', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-nokeys', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e)
    expect(error.status).toBe(503)
    expect(error.code).toBe('no_available_provider')
  })

  it('times out a stalled upstream with 504', async () => {
    const started = Date.now()
    const error = await client.chat.completions.create({ model: 'gpt-stall', messages: [{ role: 'user', content: 'Hi' }] }).catch((e) => e)
    expect(error.status).toBe(504)
    expect(error.code).toBe('upstream_timeout')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('closes the upstream socket at once when the client of a short request goes away', async () => {
    const controller = new AbortController()
    const before = upstream.requests.length
    const pending = client.chat.completions.create({ model: 'gpt-abandoned', messages: [{ role: 'user', content: 'Hi' }] }, { signal: controller.signal }).catch((e) => e)
    expect(await waitFor(async () => upstream.requests.length > before, { timeoutMs: 5_000, intervalMs: 10 })).not.toBeNull()
    const index = upstream.requests.length - 1
    controller.abort()
    await pending
    // Well before the upstream's first-byte timeout (800 ms in this suite) would close it.
    await expectSocketClosedWithin(index, 400)
    const [log] = await usageLogs({ model: { equals: 'gpt-abandoned' } })
    expect(log).toMatchObject({ status: 'client-aborted', httpStatus: 499 })
  })

  it('closes the upstream socket within a second when the client goes away', async () => {
    const controller = new AbortController()
    const stream = await client.chat.completions.create(
      { model: 'gpt-slow', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { signal: controller.signal },
    )
    const index = upstream.requests.length - 1
    const reading = (async () => {
      for await (const _ of stream) controller.abort()
    })().catch(() => undefined)
    await reading
    await expectSocketClosedWithin(index, 1000)
    const [log] = await usageLogs({ model: { equals: 'gpt-slow' } })
    expect(log).toMatchObject({ status: 'client-aborted' })
  })
})
