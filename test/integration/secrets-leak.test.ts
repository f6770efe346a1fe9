import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createTestDatabase, type TestDatabase } from '../helpers/database'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { startKeyProxy, type KeyProxy } from '../helpers/key-proxy'
import { startServerProcess, type ServerProcess } from '../helpers/processes'
import { login, rest, waitFor, type Rest } from '../helpers/rest'

/**
 * "Provider keys never appear in any API response, admin page source or log line."
 *
 * The server runs as a child process at LOG_LEVEL=trace with everything it writes captured.
 * Provider keys with distinctive secrets are created over REST, relay traffic makes the upstream
 * answer 200, 401 (key disabled, upstream message stored), 429 quota, 503 and a refused
 * connection, and then every REST list, detail, count and export of every collection is read.
 * No secret (nor its sealed form) may appear in any of it.
 *
 * Not covered here: the admin panel's HTML (it needs the Next build; the e2e project drives the
 * admin in a browser) and GraphQL (served by Next).
 */

const ADMIN_EMAIL = 'root@leak.test'
const ADMIN_PASSWORD = 'root-password-leak-1'
const CUSTOMER_PASSWORD = 'customer-password-1'
const ENCRYPTION_KEY = '5a'.repeat(32)

/** Distinctive, so a hit can only be a leak: `sk-LEAK<role>-<32 hex>`. */
const secret = (role: string) => `sk-LEAK${role}-${randomBytes(16).toString('hex')}`
const SECRETS = {
  good: secret('good'),
  revoked: secret('revoked'),
  down: secret('down'),
  broke: secret('broke'),
  unreachable: secret('unreachable'),
  rotatedFrom: secret('rotatedfrom'),
  rotatedTo: secret('rotatedto'),
  rejected: secret('rejected'),
}
/** Keys an upstream quotes back in its error (some providers do). Checked separately below. */
const ECHOED = { auth: secret('echoauth'), badRequest: secret('echobad') }

/**
 * What must not appear: each secret whole, and its middle (the hint `sk-…wxyz` may show the first
 * three and last four characters, nothing more).
 */
function needles(secrets: string[]): string[] {
  return secrets.flatMap((s) => [s, s.slice(3, -4)])
}

function leaksIn(text: string, secrets: string[]): string[] {
  return needles(secrets).filter((needle) => text.includes(needle))
}

let database: TestDatabase
let upstream: FakeUpstream
let proxy: KeyProxy
let server: ServerProcess
let adminToken: string
let customerToken: string
let customerKey: string
let closedPort: number
/** Every REST and relay answer this suite received, with what was asked. */
const seen: { what: string; res: Rest }[] = []
const keyIds: Record<string, string> = {}

async function call(what: string, path: string, init: Parameters<typeof rest>[2] = {}): Promise<Rest> {
  const res = await rest(server.baseUrl, path, init)
  seen.push({ what, res })
  return res
}

const asAdmin = (path: string, init: Parameters<typeof rest>[2] = {}) => call(`admin ${init.method ?? 'GET'} ${path}`, path, { ...init, token: adminToken })
const post = (path: string, data: unknown) => asAdmin(path, { method: 'POST', body: JSON.stringify(data) })

async function chat(model: string, stream = false) {
  return call(`relay ${model}${stream ? ' (stream)' : ''}`, '/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${customerKey}` },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hi' }] }),
  })
}

/** A platform with its own model and keys, so each secret meets exactly the answer we want. */
async function platformWithKeys(name: string, keys: { secret: string; priority?: number; baseUrl?: string; role: string }[]) {
  const platform = await post('/api/platforms', { name, kind: 'openai-compatible', baseUrl: proxy.baseUrl, status: 'active' })
  expect(platform.status).toBe(201)
  const model = await post('/api/models', { name, platforms: [platform.body.doc.id], kind: 'chat', status: 'active' })
  expect(model.status).toBe(201)
  for (const key of keys) {
    const created = await post('/api/provider-keys', {
      name: `${name} ${key.role}`,
      platform: platform.body.doc.id,
      key: key.secret,
      priority: key.priority ?? 0,
      weight: 1,
      status: 'active',
      ...(key.baseUrl ? { baseUrl: key.baseUrl } : {}),
    })
    expect(created.status).toBe(201)
    keyIds[key.role] = created.body.doc.id
  }
  return platform.body.doc.id as string
}

async function providerKey(role: string) {
  return (await asAdmin(`/api/provider-keys/${keyIds[role]}`)).body
}

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  proxy = await startKeyProxy(
    upstream.baseUrl,
    { [SECRETS.good]: 'sk-good', [SECRETS.revoked]: 'sk-revoked', [SECRETS.down]: 'sk-down', [SECRETS.broke]: 'sk-broke' },
    {
      [ECHOED.auth]: (res, key) => {
        res.writeHead(401, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}`, type: 'invalid_request_error', code: 'invalid_api_key' } }))
      },
      [ECHOED.badRequest]: (res, key) => {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: `Invalid request for key ${key}: max_tokens is too large`, type: 'invalid_request_error' } }))
      },
    },
  )
  // A port that refuses connections: bound, then released.
  const placeholder = await startKeyProxy(upstream.baseUrl, {})
  closedPort = Number(new URL(placeholder.baseUrl).port)
  await placeholder.close()

  database = await createTestDatabase()
  server = await startServerProcess({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'trace',
    JOBS_AUTORUN: 'false',
    DATABASE_URL: database.url,
    PAYLOAD_SECRET: 'leak-test-secret-that-is-long-enough-00000',
    MODELGATE_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    RELAY_MAX_ATTEMPTS: '5',
  })
  adminToken = await login(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)

  await platformWithKeys('leak-ok', [{ role: 'good', secret: SECRETS.good }])
  await platformWithKeys('leak-failover', [
    { role: 'revoked', secret: SECRETS.revoked, priority: 10 },
    { role: 'good-2', secret: SECRETS.good },
  ])
  await platformWithKeys('leak-down', [{ role: 'down', secret: SECRETS.down }])
  // Its own key: a key that failed is cooling down, and the next request would not reach it.
  await platformWithKeys('leak-down-stream', [{ role: 'down-stream', secret: SECRETS.down }])
  await platformWithKeys('leak-broke', [{ role: 'broke', secret: SECRETS.broke }])
  await platformWithKeys('leak-unreachable', [{ role: 'unreachable', secret: SECRETS.unreachable, baseUrl: `http://127.0.0.1:${closedPort}/v1` }])
  await platformWithKeys('leak-rotated', [{ role: 'rotated', secret: SECRETS.rotatedFrom }])
  await platformWithKeys('leak-echo-auth', [{ role: 'echo-auth', secret: ECHOED.auth }])
  await platformWithKeys('leak-echo-bad', [{ role: 'echo-bad', secret: ECHOED.badRequest }])

  // A key rotated over REST, and a create that fails validation while carrying a secret.
  expect((await asAdmin(`/api/provider-keys/${keyIds.rotated}`, { method: 'PATCH', body: JSON.stringify({ key: SECRETS.rotatedTo }) })).status).toBe(200)
  expect((await post('/api/provider-keys', { name: 'no platform', key: SECRETS.rejected })).status).toBe(400)

  // A customer with an API key, all over REST.
  expect((await post('/api/users', { email: 'dev@leak.test', password: CUSTOMER_PASSWORD, _verified: true })).status).toBe(201)
  customerToken = await login(server.baseUrl, 'users', 'dev@leak.test', CUSTOMER_PASSWORD)
  const created = await call('customer POST /api/api-keys', '/api/api-keys', { method: 'POST', token: customerToken, body: JSON.stringify({ name: 'leak' }) })
  expect(created.status).toBe(201)
  customerKey = created.body.doc.key
  // How fast a change reaches the relay is catalog-sync.test.ts's business, not this suite's: on
  // SQLite it currently takes up to 10 s (see the known bug noted there), so wait that long here.
  let lastModels: Rest | undefined
  const ready = await waitFor(
    async () => {
      lastModels = await rest(server.baseUrl, '/v1/models', { headers: { authorization: `Bearer ${customerKey}` } })
      return lastModels.status === 200
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  )
  if (ready === null) throw new Error(`the new API key was not accepted: ${lastModels?.status} ${lastModels?.text}\n${server.output().slice(-4000)}`)

  // Relay traffic: 200 (whole and streamed), 401 then failover, 429 quota, 503, no connection.
  expect((await chat('leak-ok')).status).toBe(200)
  expect((await chat('leak-ok', true)).status).toBe(200)
  expect((await chat('leak-failover')).status).toBe(200)
  expect((await chat('leak-down')).status).toBe(502)
  expect((await chat('leak-down-stream', true)).status).toBe(502)
  expect((await chat('leak-broke')).status).toBe(503) // 429 on every key: 503 upstream_rate_limited
  expect((await chat('leak-unreachable')).status).toBe(502)
  expect((await chat('leak-rotated')).status).toBe(200) // served with the new key
  expect((await call('relay models', '/v1/models', { headers: { authorization: `Bearer ${customerKey}` } })).status).toBe(200)

  // A refused key is disabled off the request path, and usage is written in batches.
  expect(await waitFor(async () => (await providerKey('revoked')).status === 'disabled-auto', { timeoutMs: 5_000 })).not.toBeNull()
  expect(await waitFor(async () => (await asAdmin('/api/usage-logs?limit=0')).body.totalDocs >= 8, { timeoutMs: 5_000 })).not.toBeNull()
}, 240_000)

afterAll(async () => {
  await server?.stop()
  await proxy?.close()
  await upstream?.close()
  await database?.drop()
}, 60_000)

describe('provider keys stay secret', () => {
  it('were really sent upstream, so they were in play', () => {
    for (const s of [SECRETS.good, SECRETS.revoked, SECRETS.down, SECRETS.broke, SECRETS.rotatedTo]) expect(proxy.seen).toContain(s)
    expect(proxy.seen).not.toContain(SECRETS.rotatedFrom)
  })

  it('the upstream’s reason for a refused key is kept for the operator', async () => {
    expect(await providerKey('revoked')).toMatchObject({
      status: 'disabled-auto',
      disabledReason: 'upstream answered 401',
      upstreamMessage: expect.stringContaining('Incorrect API key provided'),
    })
  })

  it('appear in no REST answer: lists, details, counts and exports of every collection, globals, access, me', async () => {
    const access = await asAdmin('/api/access')
    expect(access.status).toBe(200)
    const slugs = Object.keys(access.body.collections ?? {})
    // The collections of src/collections/index.ts must all be in the crawl.
    expect(slugs).toEqual(
      expect.arrayContaining(['admins', 'users', 'platforms', 'models', 'provider-keys', 'api-keys', 'media', 'usage-logs', 'audit-logs']),
    )
    for (const slug of slugs) {
      const list = await asAdmin(`/api/${slug}?limit=1000&depth=3`)
      for (const doc of (list.body.docs ?? []) as { id: string }[]) await asAdmin(`/api/${slug}/${doc.id}?depth=3`)
      await asAdmin(`/api/${slug}?limit=1000&depth=0&draft=true`)
      await asAdmin(`/api/${slug}/count`)
      await asAdmin(`/api/${slug}/export`)
      await asAdmin(`/api/${slug}/export?depth=3`)
      // No collection has versions: Payload answers 500 and logs an error, which the log scan reads too.
      await asAdmin(`/api/${slug}/versions`)
    }
    for (const slug of Object.keys(access.body.globals ?? {})) await asAdmin(`/api/globals/${slug}?depth=3`)
    await asAdmin('/api/admins/me')
    // Asking for the field by name changes nothing.
    await asAdmin('/api/provider-keys?select[key]=true&select[name]=true&depth=0')
    await asAdmin(`/api/provider-keys/${keyIds.good}?select[key]=true`)
    // What a customer can read.
    for (const path of ['/api/users/me', '/api/api-keys?depth=3', '/api/usage-logs?depth=3', '/api/provider-keys', '/api/access']) {
      await call(`customer GET ${path}`, path, { token: customerToken })
    }

    const restAnswers = seen.filter((s) => !s.what.startsWith('relay'))
    expect(restAnswers.length).toBeGreaterThan(50)
    // The crawl did read the provider keys and the traffic's traces.
    const keysList = restAnswers.find((s) => s.what === 'admin GET /api/provider-keys?limit=1000&depth=3')!
    expect(keysList.res.body.totalDocs).toBeGreaterThanOrEqual(10)
    expect(keysList.res.body.docs[0]).toHaveProperty('keyHint')
    expect(restAnswers.find((s) => s.what === 'admin GET /api/usage-logs/export')!.res.text.split('\n').length).toBeGreaterThan(8)
    expect(restAnswers.find((s) => s.what === 'admin GET /api/audit-logs/export')!.res.status).toBe(200)
    // The rotation is in the audit log, with the key shown as changed but masked.
    const audit = await asAdmin(`/api/audit-logs?where[documentId][equals]=${keyIds.rotated}&where[action][equals]=update`)
    expect(audit.body.docs[0].changes).toEqual(expect.arrayContaining([{ field: 'key', old: '***', new: '***' }]))

    const leaks = restAnswers.flatMap(({ what, res }) => {
      const text = `${JSON.stringify(Object.fromEntries(res.headers))}\n${res.text}`
      const found = leaksIn(text, Object.values(SECRETS))
      return [...found.map((needle) => `${what}: ${needle}`), ...(text.includes('enc:v1:') ? [`${what}: sealed key`] : [])]
    })
    expect(leaks).toEqual([])
  })

  it('appear in no relay answer, successful or failed', () => {
    const relayAnswers = seen.filter((s) => s.what.startsWith('relay'))
    expect(relayAnswers.length).toBeGreaterThanOrEqual(9)
    const leaks = relayAnswers.flatMap(({ what, res }) => leaksIn(`${JSON.stringify(Object.fromEntries(res.headers))}\n${res.text}`, Object.values(SECRETS)).map((n) => `${what}: ${n}`))
    expect(leaks).toEqual([])
  })

  // Some upstreams quote the refused key back in their error text. The relay passes upstream
  // messages on (to the customer in its error, to staff as the disabled key's upstreamMessage), so
  // it must cut the key out first.
  it('are not repeated to the customer when an upstream quotes them back in an error', async () => {
    const auth = await chat('leak-echo-auth')
    const bad = await chat('leak-echo-bad')
    expect(proxy.seen).toEqual(expect.arrayContaining([ECHOED.auth, ECHOED.badRequest]))
    // The upstream's words still arrive, minus the key.
    expect(auth.status).toBe(502)
    expect(auth.body.error.message).toContain('Incorrect API key provided')
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('max_tokens is too large')
    expect(leaksIn(auth.text, [ECHOED.auth])).toEqual([])
    expect(leaksIn(bad.text, [ECHOED.badRequest])).toEqual([])
  })

  it('are not stored in a disabled key’s upstream message when an upstream quotes them back', async () => {
    expect(await waitFor(async () => (await providerKey('echo-auth')).status === 'disabled-auto', { timeoutMs: 5_000 })).not.toBeNull()
    const doc = await providerKey('echo-auth')
    expect(doc.upstreamMessage).toContain('Incorrect API key provided')
    expect(leaksIn(JSON.stringify(doc), [ECHOED.auth])).toEqual([])
    const exported = await asAdmin('/api/provider-keys/export')
    expect(exported.text).toContain('Incorrect API key provided')
    expect(leaksIn(exported.text, [ECHOED.auth])).toEqual([])
    // Nor in the usage log of the failed request (written in batches).
    const logged = await waitFor(async () => (await asAdmin('/api/usage-logs?limit=0&where[model][equals]=leak-echo-auth')).body.totalDocs >= 1, {
      timeoutMs: 5_000,
    })
    expect(logged).not.toBeNull()
    const usage = await asAdmin('/api/usage-logs?limit=1000&depth=0')
    expect(leaksIn(usage.text, Object.values(ECHOED))).toEqual([])
  })

  it('appear in no log line, at LOG_LEVEL=trace', async () => {
    // Stop first, so everything the process had to say (shutdown included) is in.
    await server.stop()
    const output = server.output()
    expect(output).toContain('first super-admin created')
    const leaks = leaksIn(output, [...Object.values(SECRETS), ...Object.values(ECHOED)])
    expect(leaks).toEqual([])
    expect(output).not.toContain('enc:v1:')
    // Nor the customer's API key, which only its create answer may show.
    expect(output).not.toContain(customerKey)
  })
})
