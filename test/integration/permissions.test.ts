import { randomBytes, randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { CollectionSlug } from 'payload'

import { roleCan } from '../../src/access/matrix'
import { type Action, STAFF_ROLES, type StaffRole } from '../../src/access/roles'
import { postEntry } from '../../src/billing/ledger'
import { sqlRunnerOf } from '../../src/billing/sql'
import { DEMO_PLATFORM_NAME } from '../../src/seed'
import { signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * The whole permission matrix over REST: every staff role, a customer and an anonymous caller,
 * against every collection that exists today and every action. Allowed must answer 2xx and do it;
 * denied must answer 403 and change nothing.
 *
 * Billing follows the matrix's money group, except that its records (wallets, ledger entries,
 * reservations, subscription resources) are written by billing itself: staff only post adjustments
 * and set credit limits. A customer reads the plans on sale with their resources and their own
 * records; the documents a customer is given to read here are theirs, and what they may not see of
 * others' is checked below the matrix.
 */

const CORE_SLUGS = ['admins', 'users', 'platforms', 'models', 'provider-keys', 'media', 'audit-logs'] as const
/** Billing collections staff manage by the matrix (its money group), audited like the catalog. */
const BILLING_SLUGS = ['tiers', 'plan-resources', 'plans', 'subscriptions', 'redemption-codes'] as const
/** Billing records: billing writes them; staff only post adjustments and set a wallet's credit limit. */
const RECORD_SLUGS = ['wallets', 'ledger-entries', 'reservations', 'subscription-resources'] as const
const SLUGS = [...CORE_SLUGS, ...BILLING_SLUGS, ...RECORD_SLUGS] as const
type Slug = (typeof SLUGS)[number]
type BillingSlug = (typeof BILLING_SLUGS)[number] | RecordSlug
type RecordSlug = (typeof RECORD_SLUGS)[number]
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
/** Billing documents the create bodies point at: the matrix's customer, a plan on sale and its resource, a subscription. */
const billing = { customerId: '', walletlessId: '', resourceId: '', planId: '', subscriptionId: '' }
const DAY = 24 * 60 * 60 * 1000

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
    case 'tiers':
      // A threshold no top-up here reaches, so no wallet moves to it.
      return { name: `Tier ${unique()}`, threshold: 1_000_000_000_000, priceMultiplier: 1 }
    case 'plan-resources':
      return { name: `Resource ${unique()}`, models: ['*'], meter: 'requests', limit: 10 }
    case 'plans':
      return { name: `Plan ${unique()}`, resources: [billing.resourceId], periodUnit: 'months', periodLength: 1, price: 0, quantityMultiplier: 1, onSale: true }
    case 'subscriptions':
      return { owner: billing.customerId, plan: billing.planId }
    case 'redemption-codes':
      return { kind: 'balance', amount: 1_000_000, batch: 'matrix' }
    case 'wallets':
      return { owner: billing.walletlessId, cash: 1_000_000 }
    case 'ledger-entries':
      // What the admin's adjustment form sends.
      return { owner: billing.customerId, bucket: 'cash', amount: 1_000_000, note: 'matrix adjustment' }
    case 'reservations':
      return { requestId: randomUUID(), owner: billing.customerId, amount: 0, leaseUntil: new Date(Date.now() + DAY).toISOString() }
    case 'subscription-resources':
      return { owner: billing.customerId, subscription: billing.subscriptionId, models: ['*'], meter: 'requests', limit: 1000 }
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
  tiers: { rpm: 77 },
  'plan-resources': { limit: 77 },
  plans: { price: 77_000_000 },
  subscriptions: { status: 'cancelled' },
  'redemption-codes': { batch: 'renamed' },
  wallets: { creditLimit: 77_000_000 },
  'ledger-entries': { note: 'tampered' },
  reservations: { model: 'tampered' },
  'subscription-resources': { used: 77 },
}

/** A plan on sale, which customers may see, with the given resources. */
async function planOnSale(resources: string[]): Promise<string> {
  const data = { ...createData('plans'), resources }
  return String((await server.payload.create({ collection: 'plans', data: data as never })).id)
}

/** A subscription to the shared plan, given by staff: the plan's resources are copied to it. */
async function subscriptionOf(owner: string): Promise<string> {
  return String((await server.payload.create({ collection: 'subscriptions', data: { owner, plan: billing.planId } as never })).id)
}

/** A ledger entry posted by billing itself (a wallet is made on first use). */
function postGift(owner: string) {
  return sqlRunnerOf(server.payload).transaction((tx) =>
    postEntry(tx, { ownerId: owner, kind: 'voucher', bucket: 'gift', amount: 1_000_000, idempotencyKey: `matrix:${randomUUID()}` }),
  )
}

/**
 * A billing target as billing or staff would make it, belonging to `owner`. Plans and their
 * resources are on sale, so a customer may read them.
 */
async function createBillingTarget(slug: BillingSlug, owner: string): Promise<string> {
  switch (slug) {
    case 'plan-resources': {
      const id = String((await server.payload.create({ collection: slug, data: createData(slug) as never })).id)
      await planOnSale([id])
      return id
    }
    case 'plans':
      return planOnSale([billing.resourceId])
    case 'subscriptions':
      return subscriptionOf(owner)
    case 'subscription-resources': {
      const subscription = await subscriptionOf(owner)
      const { docs } = await server.payload.find({ collection: slug, where: { subscription: { equals: subscription } }, depth: 0 })
      return String(docs[0]!.id)
    }
    case 'wallets':
      return (await postGift(owner)).walletId
    case 'ledger-entries':
      return (await postGift(owner)).id
    case 'reservations':
      return String((await server.payload.create({ collection: slug, data: { ...createData(slug), owner } as never })).id)
    case 'tiers':
    case 'redemption-codes':
      return String((await server.payload.create({ collection: slug, data: createData(slug) as never })).id)
  }
}

async function newCustomer(): Promise<string> {
  return String((await server.payload.create({ collection: 'users', data: createData('users') as never })).id)
}

/** Whose billing documents an actor is given to read, update or delete: a customer their own, staff someone's. */
async function ownerFor(actor: Actor): Promise<string> {
  return actor === 'customer' ? billing.customerId : newCustomer()
}

/** A target document made by the system, for one actor to update or delete. */
async function createTarget(slug: Slug, actor: Actor): Promise<string> {
  if (!(CORE_SLUGS as readonly string[]).includes(slug)) {
    return createBillingTarget(slug as BillingSlug, await ownerFor(actor))
  }
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
  const customer = await server.payload.create({ collection: 'users', data: { email: 'customer@modelgate.test', password: PASSWORD } })
  headers.customer = (await signIn(server.baseUrl, 'users', 'customer@modelgate.test', PASSWORD)).headers
  headers.anonymous = {}

  billing.customerId = String(customer.id)
  billing.walletlessId = await newCustomer()
  billing.resourceId = String((await server.payload.create({ collection: 'plan-resources', data: createData('plan-resources') as never })).id)
  billing.planId = await planOnSale([billing.resourceId])
  billing.subscriptionId = await subscriptionOf(billing.customerId)
}, 120_000)

afterAll(async () => server?.close())

/**
 * The writes staff may make to billing records, by the matrix: an adjustment is a new ledger entry
 * (POST /api/ledger-entries), and a wallet's credit limit is set with PATCH /api/wallets/:id.
 * Everything else about them is written by billing alone, for every role.
 */
const RECORD_WRITES: Record<RecordSlug, Action[]> = {
  wallets: ['update'],
  'ledger-entries': ['create'],
  reservations: [],
  'subscription-resources': [],
}

/** A signed-in customer reads the plans on sale, their resources, and their own billing records; nothing else here. */
const CUSTOMER_READS: readonly Slug[] = ['plans', 'plan-resources', 'subscriptions', 'subscription-resources', 'wallets', 'ledger-entries']

function allowed(actor: Actor, slug: Slug, action: Action): boolean {
  // Signing up is creating a customer (while registration and email sign-in are on, the default).
  if (actor === 'anonymous') return slug === 'users' && action === 'create'
  if (actor === 'customer') return action === 'read' && CUSTOMER_READS.includes(slug)
  const write = action === 'create' || action === 'update' || action === 'delete'
  if (write && slug in RECORD_WRITES && !RECORD_WRITES[slug as RecordSlug].includes(action)) return false
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
        targetId = await createTarget(slug, actor)
        result = await call(actor, `/${slug}/${targetId}`)
        break
      case 'create':
        result = await call(actor, `/${slug}`, createRequest(slug))
        break
      case 'update':
        targetId = await createTarget(slug, actor)
        result = await call(actor, `/${slug}/${targetId}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(updateData[slug]),
        })
        break
      case 'delete':
        targetId = await createTarget(slug, actor)
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
      // An allowed request did what it asked.
      if (action === 'create') expect((await server.payload.count({ collection: slug as CollectionSlug })).totalDocs).toBe(countBefore + 1)
      if (action === 'update' && targetId) {
        const doc = (await server.payload.findByID({ collection: slug, id: targetId, depth: 0 })) as unknown as Record<string, unknown>
        expect(doc).toMatchObject(updateData[slug])
      }
      if (action === 'delete' && targetId) {
        expect((await server.payload.find({ collection: slug, where: { id: { equals: targetId } } })).totalDocs).toBe(0)
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

describe('billing: what a customer sees', () => {
  /** Asked for by id, someone else's document is refused (403) or not found (404), never shown. */
  async function hidden(slug: Slug, id: string) {
    const { status, text } = await call('customer', `/${slug}/${id}`)
    expect([403, 404]).toContain(status)
    expect(text).not.toContain(id)
  }

  /** The customer's list of a collection. */
  async function listed(slug: Slug) {
    const { status, text } = await call('customer', `/${slug}?depth=0&limit=1000`)
    expect(status).toBe(200)
    return JSON.parse(text).docs as Array<{ id: string; owner?: string }>
  }

  it('reads only their own wallet, ledger entries, subscriptions and subscription resources', async () => {
    const stranger = await newCustomer()
    for (const slug of ['wallets', 'ledger-entries', 'subscriptions', 'subscription-resources'] as const) {
      const theirs = await createBillingTarget(slug, stranger)
      const mine = await createBillingTarget(slug, billing.customerId)
      await hidden(slug, theirs)
      const docs = await listed(slug)
      expect(docs.map((d) => d.id)).toContain(mine)
      expect(docs.map((d) => d.id)).not.toContain(theirs)
      expect(docs.every((d) => d.owner === billing.customerId)).toBe(true)
    }
  })

  it('reads plans on sale and their resources, not the others', async () => {
    const offSaleResource = String((await server.payload.create({ collection: 'plan-resources', data: createData('plan-resources') as never })).id)
    const offSale = String(
      (await server.payload.create({ collection: 'plans', data: { ...createData('plans'), resources: [offSaleResource], onSale: false } as never })).id,
    )
    await hidden('plans', offSale)
    await hidden('plan-resources', offSaleResource)
    const plans = (await listed('plans')).map((d) => d.id)
    expect(plans).toContain(billing.planId)
    expect(plans).not.toContain(offSale)
    const resources = (await listed('plan-resources')).map((d) => d.id)
    expect(resources).toContain(billing.resourceId)
    expect(resources).not.toContain(offSaleResource)
  })

  it('reads no reservations, not even their own, and anonymous callers read no billing at all', async () => {
    const own = await createBillingTarget('reservations', billing.customerId)
    expect((await call('customer', `/reservations/${own}`)).status).toBe(403)
    expect((await call('customer', '/reservations')).status).toBe(403)
    for (const slug of [...BILLING_SLUGS, ...RECORD_SLUGS]) expect([slug, (await call('anonymous', `/${slug}`)).status]).toEqual([slug, 403])
  })
})

describe('billing endpoints and settings, by role', () => {
  const staffMay = (actor: Actor, slug: string, action: Action) => actor !== 'customer' && actor !== 'anonymous' && roleCan(actor, slug, action)

  it.each(ACTORS)('%s: generating a batch of redemption codes', async (actor) => {
    const batch = `matrix-${actor}-${unique()}`
    const { status, text } = await call(actor, '/redemption-codes/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 2, kind: 'balance', amount: 1_000_000, batch }),
    })
    const made = (await server.payload.count({ collection: 'redemption-codes', where: { batch: { equals: batch } } })).totalDocs
    if (staffMay(actor, 'redemption-codes', 'create')) {
      expect([status, made]).toEqual([201, 2])
    } else {
      expect([status, made]).toEqual([403, 0])
      expect(JSON.parse(text)).toMatchObject({ errors: [{ message: expect.any(String) }] })
    }
  })

  it.each(ACTORS)('%s: exporting redemption codes as Excel', async (actor) => {
    const { status } = await call(actor, '/redemption-codes/export.xlsx')
    expect(status).toBe(staffMay(actor, 'redemption-codes', 'export') ? 200 : 403)
  })

  it.each(ACTORS)('%s: reading and changing the billing settings', async (actor) => {
    const read = await call(actor, '/globals/billing-settings')
    expect(read.status).toBe(staffMay(actor, 'billing-settings', 'read') ? 200 : 403)

    const before = (await server.payload.findGlobal({ slug: 'billing-settings' })).reserveOutputTokens
    const wanted = (before ?? 4096) + 1
    const update = await call(actor, '/globals/billing-settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reserveOutputTokens: wanted }),
    })
    const after = (await server.payload.findGlobal({ slug: 'billing-settings' })).reserveOutputTokens
    if (staffMay(actor, 'billing-settings', 'update')) {
      expect([update.status, after]).toEqual([200, wanted])
    } else {
      expect([update.status, after]).toEqual([403, before])
    }
  })
})
