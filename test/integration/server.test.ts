import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { CODE_EDITOR_PATH } from '../../src/lib/code-editor'
import { DEMO_MODEL_NAME, DEMO_PLATFORM_NAME } from '../../src/seed'
import { ADMIN_EMAIL, signIn, startTestServer, ADMIN_PASSWORD, type TestServer } from '../helpers/server'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ REDIS_URL: process.env.REDIS_URL ?? '' })
})
afterAll(async () => server?.close())

describe('HTTP surface', () => {
  it('answers /healthz while the process is up', async () => {
    const res = await fetch(`${server.baseUrl}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok' })
  })

  it('answers /readyz with the database (and Redis, when configured) checked', async () => {
    const res = await fetch(`${server.baseUrl}/readyz`)
    const body = (await res.json()) as { status: string; checks: Record<string, string> }
    expect(res.status).toBe(200)
    expect(body.checks.database).toBe('ok')
    if (process.env.REDIS_URL) expect(body.checks.redis).toBe('ok')
  })

  it.each([
    ['GET', '/v1/engines'],
    ['POST', '/v1/anything/else'],
  ])('answers an unknown relay route %s %s with a 404 in OpenAI error shape', async (method, path) => {
    const res = await fetch(`${server.baseUrl}${path}`, { method })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    const body = (await res.json()) as { error: Record<string, unknown> }
    expect(body.error).toEqual({
      message: expect.stringContaining(path.slice(3)),
      type: 'invalid_request_error',
      code: 'not_found',
      param: null,
    })
  })

  it("serves the admin's code editor itself, so the admin needs no CDN", async () => {
    const loader = await fetch(`${server.baseUrl}${CODE_EDITOR_PATH}/loader.js`)
    expect(loader.status).toBe(200)
    expect(loader.headers.get('content-type')).toMatch(/javascript/)
    expect((await fetch(`${server.baseUrl}${CODE_EDITOR_PATH}/editor/editor.main.js`)).status).toBe(200)
    expect((await fetch(`${server.baseUrl}${CODE_EDITOR_PATH}/no-such-file.js`)).status).toBe(404)
  })

  it('serves Payload REST under /api', async () => {
    const res = await fetch(`${server.baseUrl}/api/admins/me`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: null })
  })
})

describe('first start on an empty database', () => {
  it('created the first super-admin from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
    const session = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    const me = await fetch(`${server.baseUrl}/api/admins/me`, { headers: session.headers })
    expect(await me.json()).toMatchObject({ user: { email: ADMIN_EMAIL, role: 'super-admin' } })
  })

  it('loaded the offline Demo platform and model with UUID ids', async () => {
    const { docs: platforms } = await server.payload.find({ collection: 'platforms', where: { name: { equals: DEMO_PLATFORM_NAME } } })
    expect(platforms).toHaveLength(1)
    expect(platforms[0]).toMatchObject({ kind: 'demo', status: 'active' })
    expect(platforms[0]!.id).toMatch(/^[0-9a-f-]{36}$/)
    const { docs: models } = await server.payload.find({ collection: 'models', where: { name: { equals: DEMO_MODEL_NAME } }, depth: 0 })
    expect(models[0]).toMatchObject({ kind: 'chat', defaultForNewChats: true, titleModel: true, platforms: [platforms[0]!.id] })
  })
})
