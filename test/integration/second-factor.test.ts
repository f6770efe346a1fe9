import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { login, rest, type Rest } from '../helpers/rest'
import { codeAt, wrongCodeFor } from '../helpers/second-factor'
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server'

/**
 * TOTP second factor: customers may turn it on and then sign in with a code; staff in the roles
 * that must (super-admin, finance) can do nothing with a password-only session until they pass it.
 */

const PASSWORD = 'second-factor-password-123'
const unique = () => randomBytes(4).toString('hex')

/** Everything an API answered during the suite, to check no secret ever left the server. */
const answers: string[] = []
const shownSecrets: string[] = []

async function call(path: string, token: string | undefined, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<Rest> {
  const res = await rest(server.baseUrl, path, { method, token, body: body === undefined ? undefined : JSON.stringify(body) })
  answers.push(res.text)
  return res
}

type Enrolled = { secret: string; recoveryCodes: string[] }

/** Set-up and enable answer the secret and the recovery codes: the only answers that may, so they are not collected. */
const handOut = (path: string, token: string, body: unknown) => rest(server.baseUrl, path, { method: 'POST', token, body: JSON.stringify(body) })

async function enrol(slug: 'users' | 'admins', token: string): Promise<Enrolled> {
  const setup = await handOut(`/api/${slug}/second-factor/setup`, token, {})
  expect(setup.status).toBe(200)
  expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Modelgate:.+\?.*issuer=Modelgate/)
  expect(setup.body.qrDataUrl).toMatch(/^data:image\/png;base64,/)
  const secret = setup.body.secret as string
  const enable = await handOut(`/api/${slug}/second-factor/enable`, token, { code: codeAt(secret, -1) })
  expect(enable.status).toBe(200)
  const recoveryCodes = enable.body.recoveryCodes as string[]
  expect(recoveryCodes).toHaveLength(10)
  expect(new Set(recoveryCodes).size).toBe(10)
  shownSecrets.push(secret, ...recoveryCodes)
  return { secret, recoveryCodes }
}

// One server for the file (Payload is one instance per process), enforcing staff second factors.
let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ STAFF_TOTP_REQUIRED: 'true' })
})
afterAll(() => server?.close())

async function staffMember(role: string): Promise<{ email: string; token: string }> {
  const email = `${role}-${unique()}@modelgate.test`
  await server.payload.create({ collection: 'admins', data: { email, password: PASSWORD, role } as never })
  return { email, token: await login(server.baseUrl, 'admins', email, PASSWORD) }
}

describe('customers (optional second factor)', () => {
  let staffToken: string
  const email = `totp-${unique()}@modelgate.test`
  let customerId: string
  let token: string
  let enrolled: Enrolled
  // The codes of the first sign-in with a code, kept: computed afresh later, "now" may have moved a step.
  let used: { code: string; older: string }

  beforeAll(async () => {
    staffToken = (await staffMember('operator')).token
    customerId = String((await server.payload.create({ collection: 'users', data: { email, password: PASSWORD } })).id)
    token = await login(server.baseUrl, 'users', email, PASSWORD)
  })

  const signIn = (extra: Record<string, string> = {}) => call('/api/users/login', undefined, { email, password: PASSWORD, ...extra })

  it('is off until the customer turns it on', async () => {
    const status = await call('/api/users/second-factor', token)
    expect(status.status).toBe(200)
    expect(status.body).toEqual({ enabled: false, required: false, verified: false })
    expect((await call('/api/users/second-factor', undefined)).status).toBe(401)
  })

  it('enrols: a wrong code is refused, a right one turns it on and verifies the session', async () => {
    const setup = await handOut('/api/users/second-factor/setup', token, {})
    const wrong = await call('/api/users/second-factor/enable', token, { code: wrongCodeFor(setup.body.secret) })
    expect(wrong.status).toBe(400)
    expect(wrong.body.errors[0].message).toMatch(/not right/)
    enrolled = await enrol('users', token)
    expect((await call('/api/users/second-factor', token)).body).toEqual({ enabled: true, required: true, verified: true })
    expect((await call('/api/users/second-factor/setup', token, {})).status).toBe(409)
  })

  it('signs in only with a code: without one 401 totp_required, a wrong one 401 totp_invalid', async () => {
    const without = await signIn()
    expect(without.status).toBe(401)
    expect(without.body.errors[0].data).toEqual({ code: 'totp_required' })
    expect(without.body.token).toBeUndefined()

    const wrong = await signIn({ totp: '12345' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.errors[0].data).toEqual({ code: 'totp_invalid' })

    used = { code: codeAt(enrolled.secret, 0), older: codeAt(enrolled.secret, -1) }
    const right = await signIn({ totp: used.code })
    expect(right.status).toBe(200)
    const status = await call('/api/users/second-factor', right.body.token)
    expect(status.body).toEqual({ enabled: true, required: true, verified: true })
  })

  it('takes a code once: the same code again, or one older than the last used, is refused', async () => {
    const again = await signIn({ totp: used.code })
    expect(again.status).toBe(401)
    expect(again.body.errors[0].data).toEqual({ code: 'totp_invalid' })
    expect((await signIn({ totp: used.older })).status).toBe(401)
  })

  it('takes a recovery code once', async () => {
    const [code] = enrolled.recoveryCodes
    const first = await signIn({ recoveryCode: code.toUpperCase() })
    expect(first.status).toBe(200)
    const again = await signIn({ recoveryCode: code })
    expect(again.status).toBe(401)
    expect(again.body.errors[0].data).toEqual({ code: 'totp_invalid' })
    expect((await signIn({ recoveryCode: enrolled.recoveryCodes[1] })).status).toBe(200)
  })

  it('never answers the secret or the recovery codes', async () => {
    await call('/api/users/me', token)
    await call(`/api/users/${customerId}`, token)
    await call(`/api/users/${customerId}`, staffToken)
    await call(`/api/users?where[email][equals]=${encodeURIComponent(email)}`, staffToken)
    await call('/api/graphql', staffToken, { query: `{ Users(where: { email: { equals: "${email}" } }) { docs { id email totpEnabled } } }` })
    const stored = await server.payload.db.findOne<{ id: string; totpSecret?: string }>({ collection: 'users', where: { id: { equals: customerId } } })
    expect(stored?.totpSecret).toMatch(/^enc:v1:/)
    expect(JSON.stringify(stored)).not.toContain(enrolled.secret)
    for (const answer of answers) {
      for (const secret of [...shownSecrets, String(stored?.totpSecret)]) expect(answer).not.toContain(secret)
      expect(answer).not.toMatch(/totpSecret|totpPendingSecret|totpRecoveryCodes|totpSessions/)
    }
  })

  it('turns off with a code, after which the password alone signs in again', async () => {
    expect((await call('/api/users/second-factor/disable', token, {})).status).toBe(400)
    const off = await call('/api/users/second-factor/disable', token, { code: codeAt(enrolled.secret, 1) })
    expect(off.status).toBe(200)
    expect((await signIn()).status).toBe(200)
    expect((await call('/api/users/second-factor', token)).body).toMatchObject({ enabled: false, required: false })
  })
})

describe('staff (required for super-admin and finance when STAFF_TOTP_REQUIRED)', () => {
  let rootSecret: string

  it('locks a password-only super-admin session out of everything but its second factor, until it enrols', async () => {
    const token = await login(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    expect((await call('/api/platforms', token)).status).toBe(403)
    expect((await call('/api/users', token)).status).toBe(403)
    expect((await call('/api/sms-codes', token)).status).toBe(403)
    expect((await call('/api/graphql', token, { query: '{ Platforms { docs { id } } }' })).body.errors?.[0]?.message).toMatch(/not allowed/i)
    const me = await call('/api/admins/me', token)
    expect(me.status).toBe(200)
    expect(me.body.user.email).toBe(ADMIN_EMAIL)
    expect((await call('/api/admins/second-factor', token)).body).toEqual({ enabled: false, required: true, verified: false })

    rootSecret = (await enrol('admins', token)).secret
    expect((await call('/api/admins/second-factor', token)).body).toEqual({ enabled: true, required: true, verified: true })
    expect((await call('/api/platforms', token)).status).toBe(200)
    expect((await call('/api/users', token)).status).toBe(200)
  })

  it('asks an enrolled super-admin for a code in every new session; it cannot be turned off', async () => {
    const token = await login(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    expect((await call('/api/platforms', token)).status).toBe(403)
    // Enrolling again would let a password alone replace the second factor.
    expect((await call('/api/admins/second-factor/setup', token, {})).status).toBe(409)
    const verify = await call('/api/admins/second-factor/verify', token, { code: codeAt(rootSecret, 0) })
    expect(verify.status).toBe(200)
    expect((await call('/api/platforms', token)).status).toBe(200)
    const off = await call('/api/admins/second-factor/disable', token, { code: codeAt(rootSecret, 1) })
    expect(off.status).toBe(403)
  })

  it('requires it of finance too, and a recovery code passes it', async () => {
    const { email, token } = await staffMember('finance')
    expect((await call('/api/wallets', token)).status).toBe(403)
    const { recoveryCodes } = await enrol('admins', token)
    expect((await call('/api/wallets', token)).status).toBe(200)

    const next = await login(server.baseUrl, 'admins', email, PASSWORD)
    expect((await call('/api/wallets', next)).status).toBe(403)
    expect((await call('/api/admins/second-factor/verify', next, { recoveryCode: recoveryCodes[0] })).status).toBe(200)
    expect((await call('/api/wallets', next)).status).toBe(200)
    const third = await login(server.baseUrl, 'admins', email, PASSWORD)
    expect((await call('/api/admins/second-factor/verify', third, { recoveryCode: recoveryCodes[0] })).status).toBe(400)
  })

  it('lets only one of two sessions racing with the same code pass', async () => {
    const { email, token } = await staffMember('finance')
    const { secret } = await enrol('admins', token)
    const sessions = [await login(server.baseUrl, 'admins', email, PASSWORD), await login(server.baseUrl, 'admins', email, PASSWORD)]
    const code = codeAt(secret, 0)
    const answers = await Promise.all(sessions.map((session) => call('/api/admins/second-factor/verify', session, { code })))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400])
  })

  it('does not require it of an operator', async () => {
    const { token } = await staffMember('operator')
    expect((await call('/api/admins/second-factor', token)).body).toEqual({ enabled: false, required: false, verified: false })
    expect((await call('/api/platforms', token)).status).toBe(200)
  })

  it('answers a wrong code 400 and, after five wrong codes in 15 minutes, 429 even for a right one', async () => {
    const { token } = await staffMember('super-admin')
    const setup = await handOut('/api/admins/second-factor/setup', token, {})
    const secret = setup.body.secret as string
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await call('/api/admins/second-factor/enable', token, { code: wrongCodeFor(secret) })
      expect(wrong.status).toBe(400)
      expect(wrong.body.errors[0].message).toMatch(/not right/)
    }
    const limited = await call('/api/admins/second-factor/enable', token, { code: codeAt(secret, 0) })
    expect(limited.status).toBe(429)
    expect(limited.body.errors[0].message).toMatch(/Too many/)
  })

  it('never answers a secret or a recovery code', () => {
    expect(shownSecrets.length).toBeGreaterThan(0)
    for (const answer of answers) {
      for (const secret of shownSecrets) expect(answer).not.toContain(secret)
      expect(answer).not.toMatch(/totpSecret|totpPendingSecret|totpRecoveryCodes|totpSessions|enc:v1:/)
    }
  })
})
