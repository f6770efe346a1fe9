import { randomBytes, randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { findWallet, postEntry } from '../../src/billing/ledger'
import { insertRows, sqlRunnerOf } from '../../src/billing/sql'
import { grantRequests } from '../../src/billing/subscriptions'
import type { OrganizationRole } from '../../src/collections/Organizations'
import { DEMO_MODEL_NAME } from '../../src/seed'
import { rest, waitFor, type Rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * Organizations: staff create or convert them, their admins manage members, and each role reaches
 * exactly its share of the organization's account (keys, wallet, ledger, subscriptions, usage),
 * over REST and through the relay.
 */

const PASSWORD = 'org-password-1234'
const REQUEST_PRICE = 1000

let server: TestServer
let admin: Record<string, string>

type Customer = { id: string; email: string; username: string; headers: Record<string, string> }

const call = (path: string, headers: Record<string, string>, method = 'GET', body?: unknown): Promise<Rest> =>
  rest(server.baseUrl, path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
const runner = () => sqlRunnerOf(server.payload)

async function newCustomer(): Promise<Customer> {
  const tag = randomBytes(4).toString('hex')
  const email = `person-${tag}@org.test`
  const created = await call('/api/users', admin, 'POST', { email, username: `person-${tag}`, password: PASSWORD, _verified: true })
  expect(created.status).toBe(201)
  const { headers } = await signIn(server.baseUrl, 'users', email, PASSWORD)
  return { id: created.body.doc.id, email, username: `person-${tag}`, headers }
}

async function convert(owner: Customer, name = `Org ${randomBytes(3).toString('hex')}`) {
  const res = await call('/api/organizations/convert', admin, 'POST', { user: owner.id, name, type: 'team' })
  expect(res.status).toBe(201)
  return res.body.doc as { id: string; account: string; name: string }
}

const topUp = (ownerId: string, amount: number) =>
  runner().transaction((tx) => postEntry(tx, { ownerId, kind: 'top-up', bucket: 'cash', amount, idempotencyKey: randomUUID() }))

const ids = (res: Rest) => (res.body.docs as { id: string }[]).map((d) => d.id)
const owners = (res: Rest) => (res.body.docs as { owner: string | { id: string } }[]).map((d) => (typeof d.owner === 'object' ? d.owner.id : d.owner))

beforeAll(async () => {
  server = await startTestServer()
  admin = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).headers
}, 120_000)

afterAll(async () => {
  await server?.close()
})

describe('creating organizations', () => {
  it('staff convert a customer: organization, account (no sign-in, no welcome gifts) and the owner as admin, audited', async () => {
    await call('/api/globals/billing-settings', admin, 'POST', { trialAmount: 5_000_000, trialRequests: 10 })
    try {
      const owner = await newCustomer()
      const org = await convert(owner, 'Acme')
      const account = await server.payload.findByID({ collection: 'users', id: org.account, overrideAccess: true })
      expect(account).toMatchObject({ accountType: 'organization', name: 'Acme', _verified: true })
      expect(account.email ?? null).toBeNull()
      expect(account.username).toMatch(/^org-[0-9a-f]{10}$/)
      // People get the welcome; the organization's account gets nothing.
      expect((await findWallet(runner().query, owner.id))?.gift).toBe(5_000_000)
      expect(await findWallet(runner().query, org.account)).toBeUndefined()
      expect((await server.payload.count({ collection: 'subscriptions', where: { owner: { equals: org.account } } })).totalDocs).toBe(0)

      const members = await call(`/api/organization-members?where[organization][equals]=${org.id}&depth=0`, owner.headers)
      expect(members.body.docs).toEqual([expect.objectContaining({ user: owner.id, role: 'admin' })])
      const audit = await server.payload.find({ collection: 'audit-logs', where: { summary: { like: 'converted customer' } } })
      expect(audit.docs.some((a) => a.documentId === org.id && a.actorEmail === ADMIN_EMAIL)).toBe(true)

      expect((await call('/api/organizations/convert', admin, 'POST', { user: owner.id, name: 'Again' })).status).toBe(409)
      const ofAccount = await call('/api/organizations/convert', admin, 'POST', { user: org.account, name: 'Nested' })
      expect(ofAccount.status).toBe(400)
      expect(ofAccount.body.errors[0].message).toMatch(/organization's account/)
    } finally {
      await call('/api/globals/billing-settings', admin, 'POST', { trialAmount: 0, trialRequests: 0 })
    }
  })

  it('only staff whose role creates organizations may convert; customers and strangers may not', async () => {
    const someone = await newCustomer()
    const body = { user: someone.id, name: 'Nope' }
    await server.payload.create({ collection: 'admins', data: { email: 'finance@org.test', password: PASSWORD, role: 'finance' }, overrideAccess: true })
    const finance = (await signIn(server.baseUrl, 'admins', 'finance@org.test', PASSWORD)).headers
    expect((await call('/api/organizations/convert', finance, 'POST', body)).status).toBe(403)
    expect((await call('/api/organizations/convert', someone.headers, 'POST', body)).status).toBe(403)
    expect((await call('/api/organizations/convert', {}, 'POST', body)).status).toBe(401)
    expect((await call('/api/organizations/convert', admin, 'POST', { user: someone.id })).status).toBe(400)
    expect((await server.payload.count({ collection: 'organizations', where: { owner: { equals: someone.id } } })).totalDocs).toBe(0)
  })

  it('staff may also create one in the collection; the account is always made, never chosen', async () => {
    const owner = await newCustomer()
    const victim = await newCustomer()
    const res = await call('/api/organizations?depth=0', admin, 'POST', { name: 'Made by hand', owner: owner.id, type: 'company', account: victim.id })
    expect(res.status).toBe(201)
    expect(res.body.doc.account).not.toBe(victim.id)
    expect((await server.payload.findByID({ collection: 'users', id: res.body.doc.account })).accountType).toBe('organization')
    expect((await call('/api/organizations', owner.headers, 'POST', { name: 'Self-made', owner: owner.id })).status).toBe(403)
  })
})

describe('members and roles', () => {
  let owner: Customer
  let org: { id: string; account: string }
  const members = {} as Record<Exclude<OrganizationRole, 'admin'>, Customer>
  let outsider: Customer
  let orgKeyId: string
  let ownerKeyId: string

  beforeAll(async () => {
    owner = await newCustomer()
    org = await convert(owner)
    outsider = await newCustomer()
    for (const role of ['finance', 'developer', 'read-only'] as const) {
      members[role] = await newCustomer()
      // By email for some, by username for others.
      const login = role === 'developer' ? members[role].username : members[role].email
      const added = await call(`/api/organizations/${org.id}/members`, owner.headers, 'POST', { user: login, role })
      expect(added.status).toBe(201)
    }
    await topUp(org.account, 10_000_000)
    await topUp(owner.id, 1_000_000)
    await runner().transaction((tx) => grantRequests(tx, { ownerId: org.account, requests: 5, days: 7, source: 'trial', name: 'Org trial' }))
    const now = new Date().toISOString()
    await runner().transaction((tx) =>
      insertRows(tx, 'usage_logs', [{ id: randomUUID(), owner_id: org.account, model: 'gpt-test', status: 'success', charge: 7, created_at: now, updated_at: now }]),
    )
    orgKeyId = (await server.payload.create({ collection: 'api-keys', data: { name: 'org', owner: org.account, organization: org.id, status: 'active' } })).id
    ownerKeyId = (await server.payload.create({ collection: 'api-keys', data: { name: 'personal', owner: owner.id, status: 'active' } })).id
  })

  const actor = (role: OrganizationRole | 'outsider') => (role === 'admin' ? owner : role === 'outsider' ? outsider : members[role])

  type Expectation = { organization: boolean; members: boolean; keys: boolean; billing: boolean; usage: boolean }
  const ROLES: [OrganizationRole | 'outsider', Expectation][] = [
    ['admin', { organization: true, members: true, keys: true, billing: true, usage: true }],
    ['finance', { organization: true, members: false, keys: false, billing: true, usage: true }],
    ['developer', { organization: true, members: false, keys: true, billing: false, usage: true }],
    ['read-only', { organization: true, members: false, keys: false, billing: false, usage: true }],
    ['outsider', { organization: false, members: false, keys: false, billing: false, usage: false }],
  ]

  it.each(ROLES)('%s reads the organization, its members and the account rows its role opens, and nothing else', async (role, may) => {
    const { headers } = actor(role)
    expect(ids(await call('/api/organizations', headers)).includes(org.id)).toBe(may.organization)
    const byId = await call(`/api/organizations/${org.id}`, headers)
    expect(may.organization ? [200] : [403, 404]).toContain(byId.status)
    if (may.organization) expect(byId.body.notes).toBeUndefined()
    const memberRows = await call(`/api/organization-members?where[organization][equals]=${org.id}`, headers)
    expect(memberRows.body.totalDocs).toBe(may.organization ? 4 : 0)

    const sees = async (slug: string) => owners(await call(`/api/${slug}?limit=100&depth=0`, headers)).includes(org.account)
    expect(await sees('api-keys')).toBe(may.keys)
    expect(await sees('wallets')).toBe(may.billing)
    expect(await sees('ledger-entries')).toBe(may.billing)
    expect(await sees('subscriptions')).toBe(may.billing)
    expect(await sees('subscription-resources')).toBe(may.billing)
    expect(await sees('usage-logs')).toBe(may.usage)
    // Nobody reaches the owner's personal key through the organization.
    if (role !== 'admin') expect([403, 404]).toContain((await call(`/api/api-keys/${ownerKeyId}`, headers)).status)
  })

  it.each(ROLES)('%s sees the organization billing with ?account= or the header only when its role allows', async (role, may) => {
    const { headers } = actor(role)
    const byQuery = await call(`/api/me/billing?account=${org.id}`, headers)
    const byHeader = await call('/api/me/billing', { ...headers, 'x-modelgate-account': org.id })
    for (const res of [byQuery, byHeader]) {
      expect(res.status).toBe(may.billing ? 200 : 403)
      if (may.billing) expect(res.body.balances.cash).toBe(10_000_000)
      else expect(res.body.errors[0].message).toMatch(/does not allow/)
    }
    // Without it everyone sees their own.
    const own = await call('/api/me/billing', headers)
    expect(own.status).toBe(200)
    expect(own.body.balances.cash).toBe(role === 'admin' ? 1_000_000 : 0)
  })

  it.each(ROLES)('%s creates and revokes organization keys only as admin or developer', async (role, may) => {
    const user = actor(role)
    const created = await call('/api/api-keys', user.headers, 'POST', { name: `by ${role}`, organization: org.id, owner: user.id })
    expect(created.status).toBe(may.keys ? 201 : 403)
    if (may.keys) {
      expect(created.body.doc.owner).toBe(org.account)
      expect(created.body.doc.key).toMatch(/^sk-/)
    }
    const disabled = await call(`/api/api-keys/${orgKeyId}`, user.headers, 'PATCH', { status: 'disabled', owner: user.id })
    expect(disabled.status === 200).toBe(may.keys)
    const key = await server.payload.findByID({ collection: 'api-keys', id: orgKeyId, depth: 0 })
    expect(key.owner).toBe(org.account)
    expect(key.status).toBe(may.keys ? 'disabled' : 'active')
    await server.payload.update({ collection: 'api-keys', id: orgKeyId, data: { status: 'active' } })
    if (!may.keys) expect([403, 404]).toContain((await call(`/api/api-keys/${orgKeyId}`, user.headers, 'DELETE')).status)
    // A personal key stays personal for everyone.
    const personal = await call('/api/api-keys?depth=0', user.headers, 'POST', { name: 'mine' })
    expect(personal.body.doc.owner).toBe(user.id)
  })

  it.each(ROLES)('%s manages members and the organization only as admin', async (role, may) => {
    const { headers } = actor(role)
    const newcomer = await newCustomer()
    const added = await call(`/api/organizations/${org.id}/members`, headers, 'POST', { user: newcomer.email, role: 'read-only' })
    expect(added.status).toBe(may.members ? 201 : 403)
    const direct = await call('/api/organization-members', headers, 'POST', { organization: org.id, user: (await newCustomer()).id, role: 'admin' })
    expect(direct.status).toBe(may.members ? 201 : 403)
    const membership = (await server.payload.find({ collection: 'organization-members', where: { user: { equals: members['read-only'].id } } })).docs[0]!
    const promoted = await call(`/api/organization-members/${membership.id}`, headers, 'PATCH', { role: 'admin' })
    expect(promoted.status === 200).toBe(may.members)
    await server.payload.update({ collection: 'organization-members', id: membership.id, data: { role: 'read-only' } })
    const renamed = await call(`/api/organizations/${org.id}`, headers, 'PATCH', { name: `Renamed by ${role}`, verification: 'verified' })
    expect(renamed.status === 200).toBe(may.members)
    const after = await server.payload.findByID({ collection: 'organizations', id: org.id })
    // Verification is staff's alone, even for the organization's admins.
    expect(after.verification).toBe('unverified')
    if (added.status === 201) {
      expect((await call(`/api/organization-members/${added.body.doc.id}`, headers, 'DELETE')).status).toBe(200)
      expect((await call(`/api/organization-members/${direct.body.doc.id}`, headers, 'DELETE')).status).toBe(200)
    }
  })

  it('the owner can be neither removed nor demoted; duplicates, unknown logins and organization accounts are refused', async () => {
    const ownership = (await server.payload.find({ collection: 'organization-members', where: { user: { equals: owner.id }, organization: { equals: org.id } } })).docs[0]!
    const removed = await call(`/api/organization-members/${ownership.id}`, owner.headers, 'DELETE')
    expect(removed.status).toBe(400)
    expect(removed.body.errors[0].message).toMatch(/owner cannot be removed/)
    expect((await call(`/api/organization-members/${ownership.id}`, admin, 'DELETE')).status).toBe(400)
    const demoted = await call(`/api/organization-members/${ownership.id}`, owner.headers, 'PATCH', { role: 'developer' })
    expect(demoted.status).toBe(400)
    expect((await server.payload.findByID({ collection: 'organization-members', id: ownership.id })).role).toBe('admin')

    expect((await call(`/api/organizations/${org.id}/members`, owner.headers, 'POST', { user: members.finance.email, role: 'admin' })).status).toBe(409)
    expect((await call(`/api/organizations/${org.id}/members`, owner.headers, 'POST', { user: 'nobody@org.test' })).status).toBe(404)
    expect((await call(`/api/organizations/${org.id}/members`, owner.headers, 'POST', { user: members.finance.email, role: 'boss' })).status).toBe(400)
    const account = await server.payload.findByID({ collection: 'users', id: org.account })
    expect((await call(`/api/organizations/${org.id}/members`, owner.headers, 'POST', { user: account.username })).status).toBe(400)
    // A membership cannot be moved to another user or organization.
    const finance = (await server.payload.find({ collection: 'organization-members', where: { user: { equals: members.finance.id } } })).docs[0]!
    await call(`/api/organization-members/${finance.id}`, owner.headers, 'PATCH', { user: outsider.id })
    expect((await server.payload.findByID({ collection: 'organization-members', id: finance.id, depth: 0 })).user).toBe(members.finance.id)
  })
})

describe('the organization through the relay', () => {
  beforeAll(async () => {
    await server.payload.update({ collection: 'models', where: { name: { equals: DEMO_MODEL_NAME } }, data: { requestPrice: REQUEST_PRICE } })
  })

  it("an organization key made by a developer charges the organization's wallet, not the developer's", async () => {
    const owner = await newCustomer()
    const org = await convert(owner)
    const developer = await newCustomer()
    expect((await call(`/api/organizations/${org.id}/members`, owner.headers, 'POST', { user: developer.email, role: 'developer' })).status).toBe(201)
    await topUp(org.account, 5_000_000)
    await topUp(developer.id, 5_000_000)
    const created = await call('/api/api-keys', developer.headers, 'POST', { name: 'ci', organization: org.id })
    expect(created.status).toBe(201)
    const chat = () =>
      rest(server.baseUrl, '/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${created.body.doc.key}` },
        body: JSON.stringify({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'hi' }] }),
      })
    const served = await waitFor(async () => (await chat()).status === 200, { timeoutMs: 5000 })
    if (served === null) throw new Error((await chat()).text)
    await server.gateway.usage.flush()

    const orgWallet = (await findWallet(runner().query, org.account))!
    const charged = 5_000_000 - orgWallet.cash
    expect(charged).toBeGreaterThanOrEqual(REQUEST_PRICE)
    expect(charged % REQUEST_PRICE).toBe(0)
    expect((await findWallet(runner().query, developer.id))!.cash).toBe(5_000_000)
    const logs = await server.payload.find({ collection: 'usage-logs', where: { apiKey: { equals: created.body.doc.id } } })
    expect(logs.docs.length).toBeGreaterThan(0)
    expect(logs.docs.every((l) => (typeof l.owner === 'object' ? l.owner?.id : l.owner) === org.account)).toBe(true)
    // The developer sees the organization's usage; its ledger is for admin and finance.
    expect(owners(await call('/api/usage-logs?depth=0', developer.headers))).toContain(org.account)
    expect(owners(await call('/api/ledger-entries?depth=0', developer.headers))).not.toContain(org.account)
  })

  it("the tier staff give an organization goes onto its account's wallet, where the relay reads it", async () => {
    const owner = await newCustomer()
    const org = await convert(owner)
    const tier = await server.payload.create({ collection: 'tiers', data: { name: 'Enterprise', threshold: 1_000_000_000_000, rpm: 1, priceMultiplier: 1 } })
    expect((await call(`/api/organizations/${org.id}`, owner.headers, 'PATCH', { tier: tier.id })).status).toBe(200)
    expect(await findWallet(runner().query, org.account)).toBeUndefined()

    expect((await call(`/api/organizations/${org.id}`, admin, 'PATCH', { tier: tier.id })).status).toBe(200)
    expect((await findWallet(runner().query, org.account))!.tierId).toBe(tier.id)
    const statement = await call(`/api/me/billing?account=${org.id}`, owner.headers)
    expect(statement.body.tier).toMatchObject({ name: 'Enterprise', rpm: 1 })
    const key = await call('/api/api-keys', owner.headers, 'POST', { name: 'tiered', organization: org.id })
    const known = await waitFor(async () => {
      await server.gateway.store.refresh()
      return [...server.gateway.store.current().apiKeys.values()].some((k) => k.id === key.body.doc.id && k.tier?.rpm === 1)
    }, { timeoutMs: 5000 })
    expect(known).not.toBeNull()
  })

  it("keeps an organization's tier as staff set it when it tops up past another tier's threshold", async () => {
    const owner = await newCustomer()
    const org = await convert(owner)
    const handSet = await server.payload.create({ collection: 'tiers', data: { name: `Partner ${randomUUID()}`, threshold: 900_000_000_000_000, rpm: 7, priceMultiplier: 1 } })
    const earned = await server.payload.create({ collection: 'tiers', data: { name: `Bulk ${randomUUID()}`, threshold: 1_000, rpm: 3, priceMultiplier: 1 } })
    expect((await call(`/api/organizations/${org.id}`, admin, 'PATCH', { tier: handSet.id })).status).toBe(200)
    await topUp(org.account, 5_000_000)
    expect((await findWallet(runner().query, org.account))!.tierId).toBe(handSet.id)
    // An individual's tier still follows their top-ups.
    await topUp(owner.id, 5_000_000)
    expect((await findWallet(runner().query, owner.id))!.tierId).toBe(earned.id)
  })
})
