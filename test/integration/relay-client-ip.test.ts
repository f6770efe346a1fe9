import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { addModel, platformWithKeys } from '../helpers/catalog'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { catalogSettled, startTestServer, type TestServer } from '../helpers/server'

/**
 * Chat completions are answered ahead of express; the client address they see must still be the
 * one express resolves under TRUST_PROXY: it decides a key's IP allow-list and lands in the usage log.
 */

let server: TestServer
let upstream: FakeUpstream
let apiKey: string

const chat = (headers: Record<string, string> = {}, body: unknown = { model: 'ip-test', messages: [{ role: 'user', content: 'Hi' }] }) =>
  fetch(`${server.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  server = await startTestServer({ TRUST_PROXY: 'true' })
  const customer = await server.payload.create({ collection: 'users', data: { email: 'ip@relay.test', password: 'relay-password-1' } })
  await addModel(server.payload, 'ip-test', await platformWithKeys(server.payload, 'Fake', upstream.baseUrl, ['sk-good']))
  const key = await server.payload.create({ collection: 'api-keys', data: { name: 'office', owner: customer.id, status: 'active', ipAllowList: ['192.0.2.0/24'] } })
  apiKey = (key as unknown as { key: string }).key
  await catalogSettled(server)
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

describe('the client address on the chat completions fast path', () => {
  it('is the forwarded address under TRUST_PROXY: allowed by the key, recorded in the usage log', async () => {
    const res = await chat({ 'x-forwarded-for': '192.0.2.44' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    await server.gateway.usage.flush()
    const { docs } = await server.payload.find({ collection: 'usage-logs', where: { model: { equals: 'ip-test' } }, limit: 5 })
    expect(docs.map((d) => d.ip)).toEqual(['192.0.2.44'])
  })

  it('refuses an address outside the key allow-list in the OpenAI error shape', async () => {
    const res = await chat({ 'x-forwarded-for': '198.51.100.9' })
    expect(res.status).toBe(403)
    expect((await res.json()).error).toMatchObject({ type: expect.any(String), message: expect.stringContaining('198.51.100.9') })
  })

  it('answers bodies that are not a JSON object as express would: 400 invalid_json, {} for an empty body', async () => {
    const scalar = await chat({ 'x-forwarded-for': '192.0.2.44' }, '"just a string"')
    expect(scalar.status).toBe(400)
    expect((await scalar.json()).error).toMatchObject({ code: 'invalid_json' })
    const empty = await chat({ 'x-forwarded-for': '192.0.2.44' }, '')
    expect(empty.status).toBe(400)
    expect((await empty.json()).error).toMatchObject({ param: 'model' })
  })
})
