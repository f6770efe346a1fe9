import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { recheckDisabledKeys } from '../../src/jobs/recheck-keys'
import { createSecrets } from '../../src/lib/secrets'
import { addPlatform, addProviderKey } from '../helpers/catalog'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { startTestServer, type TestServer } from '../helpers/server'

const ENCRYPTION_KEY = 'ef'.repeat(32)

let server: TestServer
let upstream: FakeUpstream
const ids: Record<string, string> = {}

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  server = await startTestServer({ MODELGATE_ENCRYPTION_KEY: ENCRYPTION_KEY })
  const platform = await addPlatform(server.payload, 'Recheck', upstream.baseUrl)
  const keys = [
    ['recovered', 'sk-good', 'disabled-auto'],
    ['still-revoked', 'sk-revoked', 'disabled-auto'],
    ['by-hand', 'sk-good', 'disabled-manual'],
  ] as const
  for (const [name, key, status] of keys) {
    const doc = await addProviderKey(server.payload, platform, key, { name, status })
    ids[name] = doc.id
  }
})

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

describe('re-checking disabled provider keys', () => {
  it('re-enables keys that work again, keeps the rest disabled, and never touches keys disabled by hand', async () => {
    const result = await recheckDisabledKeys(server.payload, createSecrets(ENCRYPTION_KEY, 'unused'))
    expect(result).toEqual({ checked: 2, reenabled: 1 })
    const read = (id: string) => server.payload.findByID({ collection: 'provider-keys', id })
    expect(await read(ids.recovered!)).toMatchObject({ status: 'active', disabledReason: null })
    const revoked = await read(ids['still-revoked']!)
    expect(revoked.status).toBe('disabled-auto')
    expect(revoked.lastError).toContain('Incorrect API key provided')
    expect(revoked.lastCheckedAt).toBeTruthy()
    expect((await read(ids['by-hand']!)).status).toBe('disabled-manual')
    const probes = upstream.requests.filter((r) => r.path.endsWith('/models'))
    expect(probes.map((p) => p.key).sort()).toEqual(['sk-good', 'sk-revoked'])
  })

  it('is scheduled as a job', async () => {
    const job = await server.payload.jobs.queue({ task: 'recheckProviderKeys', input: {}, queue: 'maintenance' })
    await server.payload.jobs.run({ queue: 'maintenance' })
    await expect(server.payload.findByID({ collection: 'payload-jobs', id: job.id })).rejects.toThrow('Not Found')
  })
})
