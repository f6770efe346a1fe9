import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import OpenAI from 'openai'

import { addModel, platformWithKeys } from '../helpers/catalog'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { catalogSettled, startTestServer, type TestServer } from '../helpers/server'

/**
 * `/v1/messages` driven by the official `@anthropic-ai/sdk`: served natively by an Anthropic
 * platform, translated for an OpenAI one; and OpenAI chat served by the Anthropic platform.
 */

let server: TestServer
let claude: FakeAnthropic
let openaiUpstream: FakeUpstream
let anthropic: Anthropic
let apiKey: string

async function usageOf(model: string) {
  await server.gateway.usage.flush()
  return (await server.payload.find({ collection: 'usage-logs', where: { model: { equals: model } }, sort: '-createdAt', limit: 1 })).docs[0]
}

beforeAll(async () => {
  claude = await startFakeAnthropic()
  openaiUpstream = await startFakeOpenAI()
  server = await startTestServer()
  const p = server.payload
  await addModel(p, 'claude-test', await platformWithKeys(p, 'Claude', claude.baseUrl, ['sk-ant-good'], 'anthropic'), { upstreamName: 'claude-upstream-1' })
  await addModel(p, 'gpt-test', await platformWithKeys(p, 'OpenAI fake', openaiUpstream.baseUrl, ['sk-good']))
  const owner = await p.create({ collection: 'users', data: { email: 'claude@messages.test', password: 'messages-password-1' } })
  apiKey = ((await p.create({ collection: 'api-keys', data: { name: 'k', owner: owner.id, status: 'active' } })) as unknown as { key: string }).key
  await catalogSettled(server)
  anthropic = new Anthropic({ apiKey, baseURL: server.baseUrl, maxRetries: 0 })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await claude?.close()
  await openaiUpstream?.close()
})

describe('Anthropic platform, served natively', () => {
  it('creates a message, sending the body as it came with the upstream model name', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Salut' }],
    })
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour from the fake Claude.' }])
    const sent = claude.requests.at(-1)!
    expect(sent.body).toMatchObject({ model: 'claude-upstream-1', system: 'Be brief.', max_tokens: 100 })
    expect(sent.headers['x-api-key']).toBe('sk-ant-good')
    expect(sent.headers['anthropic-version']).toBe('2023-06-01')
    expect(await usageOf('claude-test')).toMatchObject({ status: 'success', promptTokens: 16, completionTokens: 6, cachedTokens: 4 })
  })

  it('streams events as Anthropic sends them', async () => {
    const stream = anthropic.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'Salut' }] })
    const deltas: string[] = []
    stream.on('text', (text) => deltas.push(text))
    const final = await stream.finalMessage()
    expect(deltas).toEqual(['Bonjour', ' from', ' the fake', ' Claude.'])
    expect(final.stop_reason).toBe('end_turn')
    expect(await usageOf('claude-test')).toMatchObject({ stream: true, completionTokens: 6 })
  })

  it('answers OpenAI chat completions through the Anthropic platform', async () => {
    const openai = new OpenAI({ apiKey, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
    const completion = await openai.chat.completions.create({ model: 'claude-test', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Salut' }] })
    expect(completion.choices[0]!.message.content).toBe('Bonjour from the fake Claude.')
    expect(completion.model).toBe('claude-test')
    expect(claude.requests.at(-1)!.body).toMatchObject({ system: 'Be brief.', messages: [{ role: 'user' }] })
    const stream = await openai.chat.completions.create({ model: 'claude-test', messages: [{ role: 'user', content: 'Salut' }], stream: true })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Bonjour from the fake Claude.')
  })
})

describe('OpenAI platform, translated', () => {
  it('creates a message from an OpenAI completion', async () => {
    const message = await anthropic.messages.create({ model: 'gpt-test', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
    expect(message.type).toBe('message')
    expect(message.model).toBe('gpt-test')
    expect(message.content[0]).toEqual({ type: 'text', text: 'Hello from the fake upstream, streamed in pieces.' })
    expect(message.usage).toMatchObject({ output_tokens: 9 })
  })

  it('streams a translated message', async () => {
    const stream = anthropic.messages.stream({ model: 'gpt-test', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] })
    const final = await stream.finalMessage()
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream, streamed in pieces.' })
    expect(final.stop_reason).toBe('end_turn')
  })

  it('round-trips tool use', async () => {
    const message = await anthropic.messages.create({
      model: 'gpt-test',
      max_tokens: 50,
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    })
    expect(message.stop_reason).toBe('tool_use')
    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } })
    expect(openaiUpstream.requests.at(-1)!.body.tools[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } })
  })
})

describe('errors in Anthropic shape', () => {
  it('rejects a bad key with AuthenticationError', async () => {
    const bad = new Anthropic({ apiKey: 'sk-wrong', baseURL: server.baseUrl, maxRetries: 0 })
    await expect(bad.messages.create({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    )
  })

  it('answers an unknown model with NotFoundError', async () => {
    const error = await anthropic.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(Anthropic.NotFoundError)
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } })
  })

  it('answers a body without max_tokens with BadRequestError', async () => {
    const res = await fetch(`${server.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
  })
})
