import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

const DEEPSEEK_KEY = 'sk-deepseek-0123456789abcdef'
const OPENROUTER_KEY = 'sk-or-v1-fedcba9876543210'
const REFUSED_KEY = 'sk-refused-5555aaaa6666bbbb'
const PASSWORD = 'balance-password-123'

/**
 * DeepSeek's and OpenRouter's balance APIs on one local server. Only the keys it knows get an
 * answer; a refused key gets a 401 that quotes the key back, as some providers do.
 */
function startFakeProviders() {
  const seen: { path: string; authorization: string }[] = []
  let deepseekBalance = '110.00'
  const server: Server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? ''
    seen.push({ path: req.url ?? '', authorization })
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (req.url === '/user/balance' && authorization === `Bearer ${DEEPSEEK_KEY}`) {
      return reply(200, { is_available: true, balance_infos: [{ currency: 'CNY', total_balance: deepseekBalance, granted_balance: '10.00', topped_up_balance: '100.00' }] })
    }
    if (req.url === '/api/v1/credits' && authorization === `Bearer ${OPENROUTER_KEY}`) {
      return reply(200, { data: { total_credits: 100.5, total_usage: 25.758412 } })
    }
    reply(401, { error: { message: `Authentication Fails, your api key ${authorization.replace('Bearer ', '')} is invalid`, type: 'authentication_error' } })
  })
  return new Promise<{ baseUrl: string; seen: typeof seen; setDeepseekBalance: (v: string) => void; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        setDeepseekBalance: (value) => (deepseekBalance = value),
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  )
}

let server: TestServer
let fake: Awaited<ReturnType<typeof startFakeProviders>>
const ids: Record<string, string> = {}

const read = (name: string) => server.payload.findByID({ collection: 'provider-keys', id: ids[name]!, depth: 0 })
const checkBalance = (name: string, token?: string) => rest(server.baseUrl, `/api/provider-keys/${ids[name]}/check-balance`, { method: 'POST', token })

beforeAll(async () => {
  fake = await startFakeProviders()
  server = await startTestServer()
  const platform = async (name: string, preset: string, path: string) =>
    (await server.payload.create({ collection: 'platforms', data: { name, preset: preset as 'openai', kind: 'openai-compatible', baseUrl: fake.baseUrl + path, status: 'active' } })).id
  const deepseek = await platform('DeepSeek', 'deepseek', '/v1')
  const openrouter = await platform('OpenRouter', 'openrouter', '/api/v1')
  const openai = await platform('OpenAI', 'openai', '/v1')
  const keys = [
    ['deepseek', deepseek, DEEPSEEK_KEY, 'active', {}],
    ['openrouter', openrouter, OPENROUTER_KEY, 'active', {}],
    ['refused', deepseek, REFUSED_KEY, 'active', { balance: 5_000_000, balanceCurrency: 'CNY', balanceCheckedAt: '2026-01-01T00:00:00.000Z' }],
    ['disabled', deepseek, 'sk-disabled-77778888', 'disabled-manual', {}],
    ['no-balance-api', openai, 'sk-openai-99990000', 'active', {}],
  ] as const
  for (const [name, platformId, key, status, extra] of keys) {
    ids[name] = (await server.payload.create({ collection: 'provider-keys', data: { name, platform: platformId, key, status, ...extra } })).id
  }
})

afterAll(async () => {
  await server?.close()
  await fake?.close()
})

describe('provider balances', () => {
  it("the hourly job fills in the balance of every active key whose provider reports one, asking with the key as a bearer token", async () => {
    const before = Date.now()
    await server.payload.jobs.queue({ task: 'checkProviderBalances', input: {}, queue: 'maintenance' })
    await server.payload.jobs.run({ queue: 'maintenance' })

    const deepseek = await read('deepseek')
    expect(deepseek).toMatchObject({ balance: 110_000_000, balanceCurrency: 'CNY' })
    expect(Date.parse(deepseek.balanceCheckedAt!)).toBeGreaterThanOrEqual(before - 1000)
    expect(await read('openrouter')).toMatchObject({ balance: 74_741_588, balanceCurrency: 'USD' })
    expect(await read('no-balance-api')).toMatchObject({ balance: null, balanceCurrency: null, balanceCheckedAt: null })
    expect(await read('disabled')).toMatchObject({ balance: null })

    expect(fake.seen.map((r) => `${r.path} ${r.authorization}`).sort()).toEqual(
      [`/api/v1/credits Bearer ${OPENROUTER_KEY}`, `/user/balance Bearer ${DEEPSEEK_KEY}`, `/user/balance Bearer ${REFUSED_KEY}`].sort(),
    )
  })

  it('a provider that refuses keeps the balance last seen, and what is recorded holds no part of the key', async () => {
    const refused = await read('refused')
    expect(refused).toMatchObject({ balance: 5_000_000, balanceCurrency: 'CNY', balanceCheckedAt: '2026-01-01T00:00:00.000Z', status: 'active' })
    expect(refused.lastError).toMatch(/^balance check failed: 401: Authentication Fails, your api key \*\*\* is invalid/)
    expect(refused.lastErrorAt).toBeTruthy()

    const stored = await server.payload.db.findOne({ collection: 'provider-keys', where: { id: { equals: ids.refused } } })
    const { key: sealed, ...rest } = stored as Record<string, unknown>
    expect(sealed).toMatch(/^enc:v1:/)
    const visible = JSON.stringify(rest)
    expect(visible).not.toContain(REFUSED_KEY)
    expect(visible).not.toContain('5555aaaa6666bbbb')
  })

  it('staff who may update provider keys refresh one key on demand and get its new balance', async () => {
    fake.setDeepseekBalance('42.50')
    const { token } = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    const answer = await checkBalance('deepseek', token)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ id: ids.deepseek, balance: 42_500_000, balanceCurrency: 'CNY' })
    expect(await read('deepseek')).toMatchObject({ balance: 42_500_000, balanceCheckedAt: answer.body.balanceCheckedAt })
    // The other keys were not asked again.
    expect((await read('openrouter')).balance).toBe(74_741_588)
  })

  it('answers a provider without a balance API with no balance, and a refusing provider with 502 and no key', async () => {
    const { token } = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    const none = await checkBalance('no-balance-api', token)
    expect(none.status).toBe(200)
    expect(none.body).toMatchObject({ balance: null, message: 'This provider does not report a balance.' })

    const refused = await checkBalance('refused', token)
    expect(refused.status).toBe(502)
    expect(refused.body.errors[0].message).toContain('balance check failed: 401')
    expect(refused.text).not.toContain('5555aaaa6666bbbb')
    expect((await read('refused')).balance).toBe(5_000_000)
  })

  it('is refused to anyone who may not update provider keys', async () => {
    expect((await checkBalance('deepseek')).status).toBe(403)
    await server.payload.create({ collection: 'admins', data: { email: 'auditor@balances.test', password: PASSWORD, role: 'auditor' } })
    const auditor = await signIn(server.baseUrl, 'admins', 'auditor@balances.test', PASSWORD)
    expect((await checkBalance('deepseek', auditor.token)).status).toBe(403)
    await server.payload.create({ collection: 'users', data: { email: 'customer@balances.test', password: PASSWORD } })
    const customer = await signIn(server.baseUrl, 'users', 'customer@balances.test', PASSWORD)
    expect((await checkBalance('deepseek', customer.token)).status).toBe(403)
    const { token } = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    expect((await rest(server.baseUrl, '/api/provider-keys/does-not-exist/check-balance', { method: 'POST', token })).status).toBe(404)
  })
})
