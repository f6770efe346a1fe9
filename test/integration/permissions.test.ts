import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { CollectionSlug } from 'payload'

import { roleCan } from '../../src/access/matrix'
import { type Action, STAFF_ROLES, type StaffRole } from '../../src/access/roles'
import { DEMO_PLATFORM_NAME } from '../../src/seed'
import { signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * The whole permission matrix over REST: every staff role, a customer and an anonymous caller,
 * against every collection that exists today and every action. Allowed must answer 2xx; denied
 * must answer 403 and change nothing.
 */

const SLUGS = ['admins', 'users', 'platforms', 'models', 'provider-keys', 'media', 'audit-logs'] as const
type Slug = (typeof SLUGS)[number]
const ACTIONS: Action[] = ['read', 'create', 'update', 'delete', 'export']
type Actor = StaffRole | 'customer' | 'anonymous'
const ACTORS: Actor[] = [...STAFF_ROLES, 'customer', 'anonymous']
const PASSWORD = 'matrix-password-123'

/** A 1×1 PNG, so media uploads are real images. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
)

const unique = () => randomBytes(4).toString('hex')

let server: TestServer
let demoPlatformId: string
const headers: Partial<Record<Actor, Record<string, string>>> = {}

function createData(slug: Slug): Record<string, unknown> {
  switch (slug) {
    case 'admins':
      return { email: `staff-${unique()}@modelgate.test`, password: PASSWORD, role: 'editor' }
    case 'users':
      return { email: `customer-${unique()}@modelgate.test`, password: PASSWORD }
    case 'platforms':
      return { name: `Platform ${unique()}`, kind: 'openai-compatible' }
    case 'models':
      return { name: `model-${unique()}`, platforms: [demoPlatformId] }
    case 'provider-keys':
      return { name: `key-${unique()}`, platform: demoPlatformId, key: `sk-${unique()}${unique()}` }
    case 'media':
      return { alt: `image ${unique()}` }
    case 'audit-logs':
      return { action: 'create', collectionSlug: 'platforms', summary: 'forged' }
  }
}

const updateData: Record<Slug, Record<string, unknown>> = {
  admins: { name: 'Renamed' },
  users: { name: 'Renamed' },
  platforms: { baseUrl: 'https://example.test/v1' },
  models: { contextWindow: 4096 },
  'provider-keys': { priority: 7 },
  media: { alt: 'renamed' },
  'audit-logs': { summary: 'tampered' },
}

/** A target document made by the system, for one actor to update or delete. */
async function createTarget(slug: Slug): Promise<string> {
  if (slug === 'media') {
    const doc = await server.payload.create({
      collection: 'media',
      data: createData('media'),
      file: { data: PNG, mimetype: 'image/png', name: `${unique()}.png`, size: PNG.length },
    })
    return String(doc.id)
  }
  if (slug === 'audit-logs') {
    const { docs } = await server.payload.find({ collection: 'audit-logs', limit: 1 })
    return String(docs[0]!.id)
  }
  const doc = await server.payload.create({ collection: slug, data: createData(slug) as never })
  return String(doc.id)
}

function createRequest(slug: Slug): RequestInit {
  if (slug !== 'media') {
    return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(createData(slug)) }
  }
  const form = new FormData()
  form.append('file', new Blob([PNG], { type: 'image/png' }), `${unique()}.png`)
  form.append('_payload', JSON.stringify(createData('media')))
  return { method: 'POST', body: form }
}

async function call(actor: Actor, path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.baseUrl}/api${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...headers[actor] },
  })
  const text = await res.text()
  return { status: res.status, text }
}

beforeAll(async () => {
  server = await startTestServer()
  const { docs } = await server.payload.find({ collection: 'platforms', where: { name: { equals: DEMO_PLATFORM_NAME } } })
  demoPlatformId = String(docs[0]!.id)
  for (const role of STAFF_ROLES) {
    const email = `${role}@modelgate.test`
    await server.payload.create({ collection: 'admins', data: { email, password: PASSWORD, role } })
    headers[role] = (await signIn(server.baseUrl, 'admins', email, PASSWORD)).headers
  }
  await server.payload.create({ collection: 'users', data: { email: 'customer@modelgate.test', password: PASSWORD } })
  headers.customer = (await signIn(server.baseUrl, 'users', 'customer@modelgate.test', PASSWORD)).headers
  headers.anonymous = {}
}, 120_000)

afterAll(async () => server?.close())

function allowed(actor: Actor, slug: Slug, action: Action): boolean {
  if (actor === 'customer' || actor === 'anonymous') return false
  return roleCan(actor, slug, action)
}

const cases = ACTORS.flatMap((actor) =>
  SLUGS.flatMap((slug) => ACTIONS.map((action) => ({ actor, slug, action, allowed: allowed(actor, slug, action) }))),
)

describe.each(ACTORS)('%s', (actor) => {
  it.each(cases.filter((c) => c.actor === actor))('$action $slug → allowed: $allowed', async ({ slug, action, allowed }) => {
    let result: { status: number; text: string }
    let targetId: string | undefined
    const countBefore = (await server.payload.count({ collection: slug as CollectionSlug })).totalDocs

    switch (action) {
      case 'read':
        targetId = await createTarget(slug)
        result = await call(actor, `/${slug}/${targetId}`)
        break
      case 'create':
        result = await call(actor, `/${slug}`, createRequest(slug))
        break
      case 'update':
        targetId = await createTarget(slug)
        result = await call(actor, `/${slug}/${targetId}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(updateData[slug]),
        })
        break
      case 'delete':
        targetId = await createTarget(slug)
        result = await call(actor, `/${slug}/${targetId}`, { method: 'DELETE' })
        break
      case 'export':
        result = await call(actor, `/${slug}/export`)
        break
    }

    if (allowed) {
      if (result.status < 200 || result.status >= 300) {
        throw new Error(`expected 2xx, got ${result.status}: ${result.text.slice(0, 300)}`)
      }
      return
    }
    expect(result.status).toBe(403)
    expect(JSON.parse(result.text)).toMatchObject({ errors: [{ message: expect.any(String) }] })

    // A refused request changes nothing.
    if (action === 'create') {
      const target = slug === 'audit-logs' ? undefined : slug
      if (target) expect((await server.payload.count({ collection: target })).totalDocs).toBe(countBefore)
    }
    if (action === 'update' && targetId) {
      const doc = (await server.payload.findByID({ collection: slug, id: targetId })) as unknown as Record<string, unknown>
      for (const [field, value] of Object.entries(updateData[slug])) expect(doc[field]).not.toEqual(value)
    }
    if (action === 'delete' && targetId) {
      await expect(server.payload.findByID({ collection: slug, id: targetId })).resolves.toBeDefined()
    }
  })
})

describe('accounts and their own documents', () => {
  it('lists only themselves for staff without the staff permission', async () => {
    const { status, text } = await call('editor', '/admins')
    expect(status).toBe(200)
    expect(JSON.parse(text).docs.map((d: { email: string }) => d.email)).toEqual(['editor@modelgate.test'])
  })

  it('lets staff edit their own name but not their own role', async () => {
    const me = JSON.parse((await call('operator', '/admins/me')).text).user
    const { status } = await call('operator', `/admins/${me.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Olivia', role: 'super-admin' }),
    })
    expect(status).toBe(200)
    const saved = await server.payload.findByID({ collection: 'admins', id: me.id })
    expect(saved).toMatchObject({ name: 'Olivia', role: 'operator' })
  })

  it('lets only a super-admin change a role', async () => {
    const target = await server.payload.create({
      collection: 'admins',
      data: { email: `promote-${unique()}@modelgate.test`, password: PASSWORD, role: 'editor' },
    })
    const promote = (actor: Actor) =>
      call(actor, `/admins/${target.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'finance' }),
      })
    expect((await promote('operator')).status).toBe(403)
    expect((await promote('super-admin')).status).toBe(200)
    expect((await server.payload.findByID({ collection: 'admins', id: target.id })).role).toBe('finance')
  })

  it('lets a customer read and edit their own profile only', async () => {
    const me = JSON.parse((await call('customer', '/users/me')).text).user
    expect(me.email).toBe('customer@modelgate.test')
    expect((await call('customer', `/users/${me.id}`)).status).toBe(200)
    const list = JSON.parse((await call('customer', '/users')).text)
    expect(list.docs.map((d: { id: string }) => d.id)).toEqual([me.id])
    const patch = await call('customer', `/users/${me.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chen' }),
    })
    expect(patch.status).toBe(200)
  })

  it('keeps customers out of the admin panel', async () => {
    const access = JSON.parse((await call('customer', '/access')).text)
    expect(access.canAccessAdmin).not.toBe(true)
    const staff = JSON.parse((await call('editor', '/access')).text)
    expect(staff.canAccessAdmin).toBe(true)
  })
})
