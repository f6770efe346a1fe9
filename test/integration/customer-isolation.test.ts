import { randomBytes, randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { findWallet, postEntry } from '../../src/billing/ledger'
import { insertRows, sqlRunnerOf } from '../../src/billing/sql'
import { grantRequests } from '../../src/billing/subscriptions'
import { rest, type Rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * A customer never reaches another customer's records by guessing ids, over REST or GraphQL:
 * account, wallet, ledger, API keys, subscriptions, usage, and the organizations they belong to.
 * (Conversations and orders do not exist yet.)
 */

const PASSWORD = 'isolation-password-1'

let server: TestServer
let admin: Record<string, string>

type Victim = { id: string; walletId: string; ledgerId: string; keyId: string; subscriptionId: string; resourceId: string; usageId: string; orgId: string; memberId: string; account: string }

let attacker: { id: string; headers: Record<string, string> }
let victim: Victim

const call = (path: string, headers: Record<string, string>, method = 'GET', body?: unknown): Promise<Rest> =>
  rest(server.baseUrl, path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
const runner = () => sqlRunnerOf(server.payload)

async function customer() {
  const email = `c-${randomBytes(4).toString('hex')}@isolation.test`
  const created = await call('/api/users', admin, 'POST', { email, password: PASSWORD, _verified: true, name: 'original' })
  expect(created.status).toBe(201)
  return { id: created.body.doc.id as string, headers: (await signIn(server.baseUrl, 'users', email, PASSWORD)).headers }
}

/** Everything a customer owns, one of each. */
async function ownedRecords(id: string): Promise<Omit<Victim, 'orgId' | 'memberId' | 'account'>> {
  const posted = await runner().transaction((tx) => postEntry(tx, { ownerId: id, kind: 'top-up', bucket: 'cash', amount: 3_000_000, idempotencyKey: randomUUID() }))
  const { subscriptionId } = await runner().transaction((tx) => grantRequests(tx, { ownerId: id, requests: 5, days: 7, source: 'trial', name: 'Trial' }))
  const usageId = randomUUID()
  const now = new Date().toISOString()
  await runner().transaction((tx) => insertRows(tx, 'usage_logs', [{ id: usageId, owner_id: id, model: 'gpt-test', status: 'success', charge: 5, created_at: now, updated_at: now }]))
  const key = await server.payload.create({ collection: 'api-keys', data: { name: 'secret', owner: id, status: 'active' } })
  const resource = (await server.payload.find({ collection: 'subscription-resources', where: { subscription: { equals: subscriptionId } } })).docs[0]!
  return { id, walletId: (await findWallet(runner().query, id))!.id, ledgerId: posted.id, keyId: key.id, subscriptionId, resourceId: resource.id, usageId }
}

beforeAll(async () => {
  server = await startTestServer()
  admin = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).headers
  attacker = await customer()
  await ownedRecords(attacker.id)
  const target = await customer()
  const org = (await call('/api/organizations/convert', admin, 'POST', { user: target.id, name: 'Victim Inc' })).body.doc
  const member = (await server.payload.find({ collection: 'organization-members', where: { organization: { equals: org.id } } })).docs[0]!
  await runner().transaction((tx) => postEntry(tx, { ownerId: org.account, kind: 'top-up', bucket: 'cash', amount: 1_000_000, idempotencyKey: randomUUID() }))
  victim = { ...(await ownedRecords(target.id)), orgId: org.id, memberId: member.id, account: org.account }
}, 120_000)

afterAll(async () => {
  await server?.close()
})

describe('over REST', () => {
  const records: [string, keyof Victim][] = [
    ['users', 'id'],
    ['users', 'account'],
    ['wallets', 'walletId'],
    ['ledger-entries', 'ledgerId'],
    ['api-keys', 'keyId'],
    ['subscriptions', 'subscriptionId'],
    ['subscription-resources', 'resourceId'],
    ['usage-logs', 'usageId'],
    ['organizations', 'orgId'],
    ['organization-members', 'memberId'],
  ]

  it.each(records)("another customer's %s (%s) cannot be read by id", async (slug, field) => {
    const res = await call(`/api/${slug}/${victim[field]}`, attacker.headers)
    expect([403, 404]).toContain(res.status)
    expect(res.text).not.toContain(victim[field])
  })

  it.each(['users', 'wallets', 'ledger-entries', 'api-keys', 'subscriptions', 'subscription-resources', 'usage-logs', 'organizations', 'organization-members'])(
    "lists of %s hold none of another customer's rows, whatever the filter",
    async (slug) => {
      for (const query of ['', `?where[owner][equals]=${victim.id}`, `?where[owner][equals]=${victim.account}`, `?where[id][equals]=${victim.orgId}`]) {
        const res = await call(`/api/${slug}${query}${query ? '&' : '?'}limit=100&depth=0`, attacker.headers)
        // Users and memberships have no owner field: filtering on one is refused outright.
        expect(res.status).toBe(query.includes('owner') && ['users', 'organization-members'].includes(slug) ? 400 : 200)
        for (const id of Object.values(victim)) expect(res.text).not.toContain(id)
      }
    },
  )

  it("another customer's account, keys, wallet and organization cannot be changed or deleted", async () => {
    const attempts: [string, string, unknown?][] = [
      [`/api/users/${victim.id}`, 'PATCH', { name: 'pwned' }],
      [`/api/users/${victim.id}`, 'DELETE'],
      [`/api/api-keys/${victim.keyId}`, 'PATCH', { status: 'disabled', owner: attacker.id }],
      [`/api/api-keys/${victim.keyId}`, 'DELETE'],
      [`/api/wallets/${victim.walletId}`, 'PATCH', { creditLimit: 1_000_000_000 }],
      [`/api/ledger-entries`, 'POST', { owner: attacker.id, bucket: 'cash', amount: 1_000_000, note: 'free money' }],
      [`/api/subscriptions/${victim.subscriptionId}`, 'PATCH', { status: 'cancelled' }],
      [`/api/subscriptions/${victim.subscriptionId}`, 'DELETE'],
      [`/api/organizations/${victim.orgId}`, 'PATCH', { name: 'pwned' }],
      [`/api/organizations/${victim.orgId}/members`, 'POST', { user: 'anyone', role: 'admin' }],
      [`/api/organization-members`, 'POST', { organization: victim.orgId, user: attacker.id, role: 'admin' }],
      [`/api/organization-members/${victim.memberId}`, 'PATCH', { role: 'read-only' }],
      [`/api/organization-members/${victim.memberId}`, 'DELETE'],
      [`/api/api-keys`, 'POST', { name: 'theirs', organization: victim.orgId }],
    ]
    for (const [path, method, body] of attempts) {
      const res = await call(path, attacker.headers, method, body)
      expect({ path, method, status: [403, 404].includes(res.status) }).toEqual({ path, method, status: true })
    }
    expect((await server.payload.findByID({ collection: 'users', id: victim.id })).name).toBe('original')
    expect((await server.payload.findByID({ collection: 'api-keys', id: victim.keyId, depth: 0 })).status).toBe('active')
    expect((await findWallet(runner().query, victim.id))!.creditLimit).toBe(0)
    expect((await server.payload.findByID({ collection: 'subscriptions', id: victim.subscriptionId })).status).toBe('active')
    expect((await server.payload.findByID({ collection: 'organizations', id: victim.orgId })).name).toBe('Victim Inc')
    expect((await server.payload.count({ collection: 'organization-members', where: { organization: { equals: victim.orgId } } })).totalDocs).toBe(1)
    expect((await server.payload.count({ collection: 'api-keys', where: { owner: { equals: victim.account } } })).totalDocs).toBe(0)
  })

  it('a key created with another owner is still the creator’s', async () => {
    const res = await call('/api/api-keys?depth=0', attacker.headers, 'POST', { name: 'mine', owner: victim.id })
    expect(res.status).toBe(201)
    expect(res.body.doc.owner).toBe(attacker.id)
  })

  it("another customer's or organization's billing is refused through ?account= and the header", async () => {
    for (const named of [victim.orgId, victim.id, victim.account, 'not-an-id', randomUUID()]) {
      expect((await call(`/api/me/billing?account=${named}`, attacker.headers)).status).toBe(403)
      expect((await call('/api/me/billing', { ...attacker.headers, 'x-modelgate-account': named })).status).toBe(403)
      expect((await call(`/api/redeem?account=${named}`, attacker.headers, 'POST', { code: 'AAAA-BBBB-CCCC-DDDD' })).status).toBe(403)
    }
    expect((await call('/api/me/billing', attacker.headers)).body.balances.cash).toBe(3_000_000)
  })
})

describe('over GraphQL', () => {
  const graphql = (query: string, variables: Record<string, unknown> = {}) => call('/api/graphql', attacker.headers, 'POST', { query, variables })

  it('serves GraphQL: a customer reads their own records', async () => {
    const res = await graphql('query { Users { docs { id } } ApiKeys { docs { id owner { id } } } }')
    expect(res.status).toBe(200)
    expect(res.body.data.Users.docs).toEqual([{ id: attacker.id }])
    expect(res.body.data.ApiKeys.docs.length).toBeGreaterThan(0)
    expect(res.body.data.ApiKeys.docs.every((k: { owner: { id: string } }) => k.owner.id === attacker.id)).toBe(true)
  })

  const singles: [string, keyof Victim][] = [
    ['User', 'id'],
    ['User', 'account'],
    ['Wallet', 'walletId'],
    ['LedgerEntry', 'ledgerId'],
    ['ApiKey', 'keyId'],
    ['Subscription', 'subscriptionId'],
    ['SubscriptionResource', 'resourceId'],
    ['UsageLog', 'usageId'],
    ['Organization', 'orgId'],
    ['OrganizationMember', 'memberId'],
  ]

  it.each(singles)("another customer's %s (%s) cannot be read by id", async (type, field) => {
    const res = await graphql(`query ($id: String!) { ${type}(id: $id) { id } }`, { id: victim[field] })
    expect(res.body.data?.[type] ?? null).toBeNull()
    expect(res.body.errors?.length).toBeGreaterThan(0)
  })

  it("lists filtered on another customer's ids come back empty", async () => {
    const lists = ['Users', 'Wallets', 'LedgerEntries', 'ApiKeys', 'Subscriptions', 'SubscriptionResources', 'UsageLogs', 'Organizations', 'OrganizationMembers']
    const query = `query { ${lists.map((l) => `${l}(limit: 100) { docs { id } }`).join(' ')} }`
    const res = await graphql(query)
    expect(res.status).toBe(200)
    for (const id of Object.values(victim)) expect(res.text).not.toContain(id)
  })

  it("another customer's account and keys cannot be changed or deleted", async () => {
    const attempts = [
      ['mutation ($id: String!) { updateUser(id: $id, data: { name: "pwned" }) { id } }', victim.id],
      ['mutation ($id: String!) { updateApiKey(id: $id, data: { status: disabled }) { id } }', victim.keyId],
      ['mutation ($id: String!) { deleteApiKey(id: $id) { id } }', victim.keyId],
      ['mutation ($id: String!) { updateOrganization(id: $id, data: { name: "pwned" }) { id } }', victim.orgId],
      ['mutation ($id: String!) { deleteOrganizationMember(id: $id) { id } }', victim.memberId],
    ] as const
    for (const [mutation, id] of attempts) {
      const res = await graphql(mutation, { id })
      expect({ mutation, refused: (res.body.errors?.length ?? 0) > 0 }).toEqual({ mutation, refused: true })
    }
    expect((await server.payload.findByID({ collection: 'users', id: victim.id })).name).toBe('original')
    expect((await server.payload.findByID({ collection: 'api-keys', id: victim.keyId, depth: 0 })).status).toBe('active')
    expect((await server.payload.findByID({ collection: 'organizations', id: victim.orgId })).name).toBe('Victim Inc')
    expect((await server.payload.count({ collection: 'organization-members', where: { organization: { equals: victim.orgId } } })).totalDocs).toBe(1)
  })
})
