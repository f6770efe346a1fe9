import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { rest, waitFor, type Rest } from '../helpers/rest'
import { startMailbox, type Mailbox } from '../helpers/smtp'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * Email accounts end to end, with mail caught by a real SMTP server: sign-up, the verification
 * link, sign-in, forgotten and changed passwords, the operator's rules (domains, password policy,
 * registration, referrals), lock-out, the per-IP auth limit, freezing, and staff invitations.
 */

const PASSWORD = 'first-password-1'

let server: TestServer
let mailbox: Mailbox
let admin: Record<string, string>

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Rest> =>
  rest(server.baseUrl, path, { method: 'POST', headers, body: JSON.stringify(body) })
const login = (email: string, password: string) => post('/api/users/login', { email, password })
const newEmail = (domain = 'mail.test') => `u-${randomBytes(4).toString('hex')}@${domain}`

async function authSettings(data: Record<string, unknown>) {
  const res = await post('/api/globals/auth-settings', data, admin)
  expect(res.status).toBe(200)
}

/** Signs up as a visitor would and follows the mailed link; answers the new account's id. */
async function verifiedCustomer(email = newEmail()): Promise<string> {
  const created = await post('/api/users', { email, password: PASSWORD })
  expect(created.status).toBe(201)
  const link = mailbox.linkIn(await mailbox.mailTo(email, /confirm/i), /verify-email/)
  expect((await fetch(link, { redirect: 'manual' })).status).toBe(302)
  return created.body.doc.id as string
}

beforeAll(async () => {
  mailbox = await startMailbox()
  server = await startTestServer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mailbox.port), MAIL_FROM: 'hello@modelgate.test' })
  admin = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).headers
})

afterAll(async () => {
  await server?.close()
  await mailbox?.close()
})

describe('signing up by email', () => {
  it('mails a verification link; the account signs in only after following it', async () => {
    const email = newEmail()
    const created = await post('/api/users', { email, password: PASSWORD, name: 'Ada' })
    expect(created.status).toBe(201)
    expect(created.body.doc).not.toHaveProperty('hash')

    const refused = await login(email, PASSWORD)
    expect(refused.status).toBe(403)
    expect(refused.text).toMatch(/verify/i)

    const mail = await mailbox.mailTo(email, /confirm your email/i)
    expect(mail.from?.value[0]?.address).toBe('hello@modelgate.test')
    const link = mailbox.linkIn(mail, /\/api\/users\/verify-email\//)
    expect(link.startsWith(server.baseUrl)).toBe(true)
    const landing = await fetch(link, { redirect: 'manual' })
    expect(landing.status).toBe(302)
    expect(landing.headers.get('location')).toBe(`${server.baseUrl}/?verified=1`)

    const signedIn = await login(email, PASSWORD)
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user).toMatchObject({ email, name: 'Ada', _verified: true })
    expect(signedIn.body.user.referralCode).toMatch(/^[A-Z2-9]{8}$/)
    expect(signedIn.headers.get('set-cookie')).toMatch(/payload-token=/)

    // The link works once.
    expect((await fetch(link, { redirect: 'manual' })).headers.get('location')).toBe(`${server.baseUrl}/?verified=0`)
  })

  it('signs in by username too, once the customer has chosen one', async () => {
    const email = newEmail()
    const id = await verifiedCustomer(email)
    const { headers } = await signIn(server.baseUrl, 'users', email, PASSWORD)
    const username = `ada_${randomBytes(3).toString('hex')}`
    expect((await rest(server.baseUrl, `/api/users/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ username }) })).status).toBe(200)
    const byName = await post('/api/users/login', { username, password: PASSWORD })
    expect(byName.status).toBe(200)
    expect(byName.body.user.id).toBe(id)
  })

  it('never lets a visitor or customer mark their own address verified', async () => {
    const email = newEmail()
    const created = await post('/api/users', { email, password: PASSWORD, _verified: true, frozen: false, referralCode: 'CHOSEN12' })
    expect(created.status).toBe(201)
    expect(created.body.doc.referralCode).not.toBe('CHOSEN12')
    expect((await login(email, PASSWORD)).status).toBe(403)

    const other = newEmail()
    const id = await verifiedCustomer(other)
    const { headers } = await signIn(server.baseUrl, 'users', other, PASSWORD)
    await rest(server.baseUrl, `/api/users/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ _verified: false, frozen: true }) })
    const doc = await server.payload.findByID({ collection: 'users', id, depth: 0 })
    expect(doc).toMatchObject({ _verified: true, frozen: false })
  })

  it('lets staff register customers already verified, without a verification mail', async () => {
    const email = newEmail()
    const created = await post('/api/users', { email, password: PASSWORD, _verified: true }, admin)
    expect(created.status).toBe(201)
    expect((await login(email, PASSWORD)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(mailbox.mails.some((m) => m.to && JSON.stringify(m.to).includes(email))).toBe(false)
  })

  it('accepts only the allowed email domains when a list is set (MAIL_WHITE_LIST)', async () => {
    await authSettings({ emailDomains: ['allowed.test', '@qq.com'] })
    try {
      const refused = await post('/api/users', { email: newEmail('elsewhere.test'), password: PASSWORD })
      expect(refused.status).toBe(400)
      expect(refused.text).toContain('allowed.test')
      expect((await post('/api/users', { email: newEmail('Allowed.Test'), password: PASSWORD })).status).toBe(201)
      expect((await post('/api/users', { email: newEmail('qq.com'), password: PASSWORD })).status).toBe(201)
    } finally {
      await authSettings({ emailDomains: [] })
    }
  })

  it('holds every new password to the password policy', async () => {
    await authSettings({ passwordPolicy: { minLength: 12, requireDigit: true, requireSymbol: true } })
    try {
      const refused = await post('/api/users', { email: newEmail(), password: 'shortpass' })
      expect(refused.status).toBe(400)
      expect(refused.text).toContain('at least 12 characters, a digit, a symbol')
      expect((await post('/api/users', { email: newEmail(), password: 'long-enough-pass-1' })).status).toBe(201)
    } finally {
      await authSettings({ passwordPolicy: { minLength: 8, requireDigit: false, requireSymbol: false } })
    }
  })

  it('records the referrer whose code a sign-up brought, and refuses an unknown code', async () => {
    const referrerId = await verifiedCustomer()
    const referrer = await server.payload.findByID({ collection: 'users', id: referrerId, depth: 0 })
    const created = await post('/api/users', { email: newEmail(), password: PASSWORD, referral: referrer.referralCode!.toLowerCase() })
    expect(created.status).toBe(201)
    expect((await server.payload.findByID({ collection: 'users', id: created.body.doc.id, depth: 0 })).referredBy).toBe(referrerId)
    const unknown = await post('/api/users', { email: newEmail(), password: PASSWORD, referral: 'NOSUCH99' })
    expect(unknown.status).toBe(400)
    expect(unknown.text).toMatch(/referral code/i)
  })

  it('refuses sign-ups while registration is closed, and keeps signing existing customers in', async () => {
    const email = newEmail()
    await verifiedCustomer(email)
    await authSettings({ registrationOpen: false })
    try {
      expect((await post('/api/users', { email: newEmail(), password: PASSWORD })).status).toBe(403)
      expect((await login(email, PASSWORD)).status).toBe(200)
    } finally {
      await authSettings({ registrationOpen: true })
    }
  })

  it('refuses password sign-in while email sign-in is switched off', async () => {
    const email = newEmail()
    await verifiedCustomer(email)
    await authSettings({ emailSignIn: false })
    try {
      const refused = await login(email, PASSWORD)
      expect(refused.status).toBe(403)
      expect(refused.text).toMatch(/switched off/)
    } finally {
      await authSettings({ emailSignIn: true })
    }
  })
})

describe('passwords', () => {
  it('resets a forgotten password through the mailed link', async () => {
    const email = newEmail()
    await verifiedCustomer(email)
    expect((await post('/api/users/forgot-password', { email })).status).toBe(200)
    const link = mailbox.linkIn(await mailbox.mailTo(email, /reset your password/i), /\/reset-password\?token=/)
    const token = new URL(link).searchParams.get('token')
    expect(token).toBeTruthy()

    expect((await post('/api/users/reset-password', { token, password: 'x' })).status).toBe(400)
    expect((await post('/api/users/reset-password', { token, password: 'second-password-2' })).status).toBe(200)
    expect((await login(email, PASSWORD)).status).toBe(401)
    expect((await login(email, 'second-password-2')).status).toBe(200)
    // The token is spent.
    expect((await post('/api/users/reset-password', { token, password: 'third-password-3' })).status).not.toBe(200)
  })

  it('answers a reset request for an unknown address the same way, and sends nothing', async () => {
    const ghost = newEmail()
    expect((await post('/api/users/forgot-password', { email: ghost })).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(mailbox.mails.some((m) => JSON.stringify(m.to).includes(ghost))).toBe(false)
  })

  it('lets a signed-in customer change their password', async () => {
    const email = newEmail()
    const id = await verifiedCustomer(email)
    const { headers } = await signIn(server.baseUrl, 'users', email, PASSWORD)
    expect((await rest(server.baseUrl, `/api/users/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ password: 'short' }) })).status).toBe(400)
    expect((await rest(server.baseUrl, `/api/users/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ password: 'changed-password-9' }) })).status).toBe(200)
    expect((await login(email, 'changed-password-9')).status).toBe(200)
  })
})

describe('keeping bots and thieves out', () => {
  it('locks the account at the 6th wrong password in a row, even for the right one, until the lock time passes', async () => {
    const email = newEmail()
    const id = await verifiedCustomer(email)
    for (let i = 0; i < 5; i++) expect((await login(email, 'wrong-password')).status).toBe(401)
    const locked = await login(email, PASSWORD)
    expect(locked.status).toBe(401)
    expect(locked.text).toMatch(/locked/i)
    const doc = await server.payload.db.findOne<{ id: string; lockUntil?: string }>({ collection: 'users', where: { id: { equals: id } } })
    expect(Date.parse(doc!.lockUntil!) - Date.now()).toBeGreaterThan(14 * 60_000)

    // Once the lock time has passed the right password works again.
    await server.payload.db.updateOne({ collection: 'users', id, data: { lockUntil: new Date(Date.now() - 1000).toISOString() } })
    expect((await login(email, PASSWORD)).status).toBe(200)
  })

  it('answers 429 with retry-after once an address makes too many auth requests in a minute', async () => {
    await authSettings({ authRequestsPerMinute: 3 })
    try {
      const statuses: number[] = []
      let last: Rest | undefined
      for (let i = 0; i < 5; i++) {
        last = await login(newEmail(), 'whatever-password')
        statuses.push(last.status)
      }
      // The minute may already hold this suite's earlier requests: at most three more get through.
      const firstRefused = statuses.indexOf(429)
      expect(firstRefused).toBeGreaterThan(-1)
      expect(firstRefused).toBeLessThanOrEqual(3)
      expect(statuses.slice(0, firstRefused).every((s) => s === 401)).toBe(true)
      expect(statuses.slice(firstRefused).every((s) => s === 429)).toBe(true)
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(last!.body).toMatchObject({ errors: [{ message: expect.stringMatching(/too many/i) }] })
      // Other requests are not counted or refused.
      expect((await rest(server.baseUrl, '/api/plans', { headers: admin })).status).toBe(200)
    } finally {
      await server.payload.updateGlobal({ slug: 'auth-settings', data: { authRequestsPerMinute: 100_000 } })
    }
  })

  it('freezes a customer: no sign-in, sessions ended, API keys refused with 403 account_frozen; unfreezing gives them back', async () => {
    const email = newEmail()
    const id = await verifiedCustomer(email)
    const { headers } = await signIn(server.baseUrl, 'users', email, PASSWORD)
    const created = await post('/api/api-keys', { name: 'frozen test' }, headers)
    expect(created.status).toBe(201)
    const key = created.body.doc.key as string
    const chat = () =>
      rest(server.baseUrl, '/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'modelgate-demo', messages: [{ role: 'user', content: 'hi' }] }),
      })
    const working = await waitFor(async () => (await chat()).status === 200, { timeoutMs: 5000 })
    if (working === null) throw new Error((await chat()).text)

    const freeze = await rest(server.baseUrl, `/api/users/${id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ frozen: true, frozenReason: 'chargeback' }) })
    expect(freeze.status).toBe(200)

    const refused = await login(email, PASSWORD)
    expect(refused.status).toBe(403)
    expect(refused.body.errors[0]).toMatchObject({ message: 'This account is frozen: chargeback', data: { code: 'account_frozen' } })
    expect((await rest(server.baseUrl, '/api/users/me', { headers })).body.user).toBeNull()
    expect(await waitFor(async () => (await chat()).status === 403, { timeoutMs: 5000 })).not.toBeNull()
    expect((await chat()).body.error).toMatchObject({ code: 'account_frozen', message: 'This account is frozen: chargeback' })

    await rest(server.baseUrl, `/api/users/${id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ frozen: false }) })
    expect(await waitFor(async () => (await chat()).status === 200, { timeoutMs: 5000 })).not.toBeNull()
    expect((await login(email, PASSWORD)).status).toBe(200)
  })
})

describe('staff', () => {
  it('are invited by a super-admin by mail and choose their own password', async () => {
    const email = `staff-${randomBytes(3).toString('hex')}@modelgate.test`
    const invited = await post('/api/admins/invite', { email, name: 'Fin', role: 'finance' }, admin)
    expect(invited.status).toBe(201)
    const mail = await mailbox.mailTo(email, /invited/i)
    const token = mailbox.linkIn(mail, /\/admin\/reset\//).split('/admin/reset/')[1]!
    expect((await post('/api/admins/reset-password', { token, password: 'finance-password-1' })).status).toBe(200)
    const signedIn = await post('/api/admins/login', { email, password: 'finance-password-1' })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user).toMatchObject({ role: 'finance', name: 'Fin' })

    const audit = await server.payload.find({ collection: 'audit-logs', where: { collectionSlug: { equals: 'admins' }, action: { equals: 'create' }, documentId: { equals: invited.body.doc.id } } })
    expect(audit.docs[0]).toMatchObject({ actorEmail: ADMIN_EMAIL })

    // Only a super-admin invites, and never twice to one address.
    const finance = { authorization: `JWT ${signedIn.body.token}` }
    expect((await post('/api/admins/invite', { email: 'x@modelgate.test', role: 'editor' }, finance)).status).toBe(403)
    expect((await post('/api/admins/invite', { email, role: 'editor' }, admin)).status).toBe(409)
    expect((await post('/api/admins/invite', { email: 'y@modelgate.test', role: 'owner' }, admin)).status).toBe(400)
  })

  it('reach the back office only from the admin IP allow-list when one is set', async () => {
    await authSettings({ staff: { adminIpAllowList: ['10.0.0.0/8'] } })
    try {
      // A staff token from before counts for nothing from outside the list, on every API.
      expect((await rest(server.baseUrl, '/api/platforms', { headers: admin })).status).toBe(403)
      expect((await rest(server.baseUrl, '/api/admins/me', { headers: admin })).status).toBe(403)
      const refused = await post('/api/admins/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      expect(refused.status).toBe(403)
      expect(refused.text).toContain('127.0.0.1')
      expect((await rest(server.baseUrl, '/admin')).status).toBe(403)
      // Customers are not affected.
      expect((await login(newEmail(), 'whatever-password')).status).toBe(401)
      await server.payload.updateGlobal({ slug: 'auth-settings', data: { staff: { adminIpAllowList: ['10.0.0.0/8', '127.0.0.0/8'] } } })
      expect((await post('/api/admins/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).toBe(200)
      expect((await rest(server.baseUrl, '/api/platforms', { headers: admin })).status).toBe(200)
    } finally {
      await server.payload.updateGlobal({ slug: 'auth-settings', data: { staff: { adminIpAllowList: [] } } })
    }
  })
})
