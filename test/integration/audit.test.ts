import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { STAFF_ROLES } from '../../src/access/roles'
import { createApp } from '../../src/http/app'
import { CLIENT_IP_HEADER } from '../../src/http/client-ip'
import { signIn, startTestServer, type Session, type TestServer } from '../helpers/server'

const PASSWORD = 'audit-password-123'

let server: TestServer
let untrusted: { server: Server; baseUrl: string }
const sessions: Record<string, Session> = {}

type AuditEntry = {
  id: string
  action: string
  collectionSlug: string
  documentId: string | null
  actorId: string
  actorEmail: string
  actorRole: string
  actorType: string
  ip: string | null
  changes: { field: string; old: unknown; new: unknown }[]
  createdAt: string
}

async function api(path: string, session: Session | null, init: RequestInit = {}, baseUrl = server.baseUrl) {
  const res = await fetch(`${baseUrl}/api${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>), ...session?.headers },
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function entriesFor(documentId: string): Promise<AuditEntry[]> {
  const { docs } = await server.payload.find({
    collection: 'audit-logs',
    where: { documentId: { equals: documentId } },
    sort: 'createdAt',
    limit: 100,
  })
  return docs as unknown as AuditEntry[]
}

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: 'true' })
  for (const role of STAFF_ROLES) {
    const email = `${role}@audit.test`
    await server.payload.create({ collection: 'admins', data: { email, password: PASSWORD, role } })
    sessions[role] = await signIn(server.baseUrl, 'admins', email, PASSWORD)
  }
  // The same Payload behind an express app that does not trust proxies.
  const app = createApp({ payload: server.payload, config: { TRUST_PROXY: false }, redis: null })
  const plain = createServer(app).listen(0, '127.0.0.1')
  await new Promise((resolve) => plain.once('listening', resolve))
  untrusted = { server: plain, baseUrl: `http://127.0.0.1:${(plain.address() as AddressInfo).port}` }
}, 120_000)

afterAll(async () => {
  untrusted?.server.closeAllConnections()
  await new Promise((resolve) => untrusted?.server.close(resolve))
  await server?.close()
})

describe('audit entries for staff changes', () => {
  let platformId: string

  it('records a create with who, what, the new values and the forwarded client IP', async () => {
    const { status, body } = await api('/platforms', sessions.operator!, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.2' },
      body: JSON.stringify({ name: 'Acme AI', kind: 'openai-compatible', baseUrl: 'https://api.acme.test/v1' }),
    })
    expect(status).toBe(201)
    platformId = (body.doc as { id: string }).id
    const [entry] = await entriesFor(platformId)
    const operator = (await api('/admins/me', sessions.operator!)).body.user as { id: string }
    expect(entry).toMatchObject({
      action: 'create',
      collectionSlug: 'platforms',
      documentId: platformId,
      actorId: operator.id,
      actorEmail: 'operator@audit.test',
      actorRole: 'operator',
      actorType: 'admins',
      ip: '203.0.113.7',
    })
    expect(entry!.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', old: null, new: 'Acme AI' },
        { field: 'kind', old: null, new: 'openai-compatible' },
        { field: 'baseUrl', old: null, new: 'https://api.acme.test/v1' },
      ]),
    )
    expect(new Date(entry!.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it('records an update with only the changed fields, old and new', async () => {
    const { status } = await api(`/platforms/${platformId}`, sessions.operator!, {
      method: 'PATCH',
      headers: { 'x-forwarded-for': '198.51.100.4' },
      body: JSON.stringify({ status: 'disabled', name: 'Acme AI' }),
    })
    expect(status).toBe(200)
    const entry = (await entriesFor(platformId)).find((e) => e.action === 'update')
    expect(entry).toMatchObject({ ip: '198.51.100.4', actorEmail: 'operator@audit.test' })
    expect(entry!.changes).toEqual([{ field: 'status', old: 'active', new: 'disabled' }])
  })

  it('records a delete with the old values', async () => {
    const { status } = await api(`/platforms/${platformId}`, sessions['super-admin']!, { method: 'DELETE' })
    expect(status).toBe(200)
    const entry = (await entriesFor(platformId)).find((e) => e.action === 'delete')
    expect(entry).toMatchObject({ actorRole: 'super-admin', collectionSlug: 'platforms' })
    expect(entry!.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', old: 'Acme AI', new: null },
        { field: 'status', old: 'disabled', new: null },
      ]),
    )
  })

  it('writes nothing when the change itself fails', async () => {
    const before = (await server.payload.count({ collection: 'audit-logs' })).totalDocs
    const duplicate = await api('/platforms', sessions.operator!, {
      method: 'POST',
      body: JSON.stringify({ name: 'Demo', kind: 'demo' }),
    })
    expect(duplicate.status).toBe(400)
    expect((await server.payload.count({ collection: 'audit-logs' })).totalDocs).toBe(before)
  })
})

describe('client IP', () => {
  async function ipOfCreate(baseUrl: string, headers: Record<string, string>) {
    const { body } = await api(
      '/platforms',
      sessions.operator!,
      { method: 'POST', headers, body: JSON.stringify({ name: `IP ${Math.random()}`, kind: 'demo' }) },
      baseUrl,
    )
    return (await entriesFor((body.doc as { id: string }).id))[0]!.ip
  }

  it('ignores X-Forwarded-For unless TRUST_PROXY is set, using the socket address', async () => {
    expect(await ipOfCreate(untrusted.baseUrl, { 'x-forwarded-for': '203.0.113.9' })).toBe('127.0.0.1')
  })

  it('cannot be forged through the internal header', async () => {
    expect(await ipOfCreate(untrusted.baseUrl, { [CLIENT_IP_HEADER]: '6.6.6.6' })).toBe('127.0.0.1')
    expect(await ipOfCreate(server.baseUrl, { [CLIENT_IP_HEADER]: '6.6.6.6', 'x-forwarded-for': '192.0.2.1' })).toBe('192.0.2.1')
  })
})

describe('secrets', () => {
  it('masks passwords on create and on change, and never stores hashes', async () => {
    const created = await api('/users', sessions.operator!, {
      method: 'POST',
      body: JSON.stringify({ email: 'masked@audit.test', password: 'first-password-1', name: 'Masked' }),
    })
    expect(created.status).toBe(201)
    const id = (created.body.doc as { id: string }).id
    await api(`/users/${id}`, sessions.operator!, { method: 'PATCH', body: JSON.stringify({ password: 'second-password-2' }) })

    const entries = await entriesFor(id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'update'])
    expect(entries[0]!.changes).toContainEqual({ field: 'password', old: null, new: '***' })
    expect(entries[1]!.changes).toEqual([{ field: 'password', old: '***', new: '***' }])
    const stored = JSON.stringify(entries)
    for (const secret of ['first-password-1', 'second-password-2', '"hash"', '"salt"']) expect(stored).not.toContain(secret)
  })
})

describe('Local API', () => {
  it('audits a change made with a user, and not one made by the system', async () => {
    const operator = (await server.payload.find({ collection: 'admins', where: { email: { equals: 'operator@audit.test' } } })).docs[0]!
    const withUser = await server.payload.create({
      collection: 'platforms',
      data: { name: 'Local with user', kind: 'demo' as const, status: 'active' as const },
      user: { ...operator, collection: 'admins' },
      overrideAccess: false,
    })
    const bySystem = await server.payload.create({ collection: 'platforms', data: { name: 'Local by system', kind: 'demo' as const, status: 'active' as const } })
    expect(await entriesFor(String(withUser.id))).toEqual([
      expect.objectContaining({ action: 'create', actorEmail: 'operator@audit.test', ip: null }),
    ])
    expect(await entriesFor(String(bySystem.id))).toEqual([])
  })
})

describe('the audit log itself', () => {
  let entry: AuditEntry

  beforeAll(async () => {
    entry = (await server.payload.find({ collection: 'audit-logs', limit: 1 })).docs[0] as unknown as AuditEntry
  })

  it.each(STAFF_ROLES)('cannot be changed or deleted by %s over REST', async (role) => {
    const patch = await api(`/audit-logs/${entry.id}`, sessions[role]!, { method: 'PATCH', body: JSON.stringify({ ip: '0.0.0.0', changes: [] }) })
    const del = await api(`/audit-logs/${entry.id}`, sessions[role]!, { method: 'DELETE' })
    const bulk = await api(`/audit-logs?where[id][exists]=true`, sessions[role]!, { method: 'DELETE' })
    const create = await api('/audit-logs', sessions[role]!, { method: 'POST', body: JSON.stringify({ action: 'create', collectionSlug: 'x' }) })
    expect([patch.status, del.status, create.status]).toEqual([403, 403, 403])
    expect((bulk.body.docs as unknown[] | undefined)?.length ?? 0).toBe(0)
    expect(await server.payload.findByID({ collection: 'audit-logs', id: entry.id })).toMatchObject({ ip: entry.ip, changes: entry.changes })
  })

  it('cannot be changed or deleted from server code either', async () => {
    await expect(server.payload.update({ collection: 'audit-logs', id: entry.id, data: { ip: '0.0.0.0' } })).rejects.toThrow()
    await expect(server.payload.delete({ collection: 'audit-logs', id: entry.id })).rejects.toThrow()
    expect(await server.payload.findByID({ collection: 'audit-logs', id: entry.id })).toMatchObject({ ip: entry.ip })
  })

  it('is readable by super-admin and auditor only', async () => {
    const statuses = await Promise.all(STAFF_ROLES.map(async (role) => [role, (await api('/audit-logs', sessions[role]!)).status]))
    expect(Object.fromEntries(statuses)).toEqual({ 'super-admin': 200, operator: 403, finance: 403, auditor: 200, editor: 403 })
  })

  it('filters by time, actor, collection and action', async () => {
    const since = new Date(Date.now() - 60_000).toISOString()
    const query = new URLSearchParams({
      'where[createdAt][greater_than]': since,
      'where[actorEmail][equals]': 'operator@audit.test',
      'where[collectionSlug][equals]': 'platforms',
      'where[action][equals]': 'update',
      limit: '100',
    })
    const { status, body } = await api(`/audit-logs?${query}`, sessions.auditor!)
    expect(status).toBe(200)
    const docs = body.docs as AuditEntry[]
    expect(docs.length).toBeGreaterThanOrEqual(1)
    for (const doc of docs) {
      expect(doc).toMatchObject({ actorEmail: 'operator@audit.test', collectionSlug: 'platforms', action: 'update' })
      expect(doc.createdAt >= since).toBe(true)
    }
    const future = await api(`/audit-logs?where[createdAt][greater_than]=${new Date(Date.now() + 60_000).toISOString()}`, sessions.auditor!)
    expect(future.body.docs).toEqual([])
  })

  it('records sign-ins and exports', async () => {
    const csv = await fetch(`${server.baseUrl}/api/platforms/export`, { headers: sessions.auditor!.headers })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const text = await csv.text()
    expect(text.split('\r\n')[0]).toBe('id,name,preset,kind,baseUrl,apiVersion,routing,status,updatedAt,createdAt')
    expect(text).toContain(',Demo,,demo,')
    const kinds = await server.payload.find({
      collection: 'audit-logs',
      where: { actorEmail: { equals: 'auditor@audit.test' } },
      limit: 100,
    })
    expect(kinds.docs.map((d) => d.action)).toEqual(expect.arrayContaining(['login', 'export']))
  })
})
