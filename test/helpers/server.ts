import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'

import type { Gateway } from '../../src/relay/gateway'

import { startServer } from '../../src/server'
import { createTestDatabase } from './database'

export const ADMIN_EMAIL = 'root@modelgate.test'
export const ADMIN_PASSWORD = 'root-password-123'

export type TestServer = {
  baseUrl: string
  payload: Payload
  gateway: Gateway
  close: () => Promise<void>
}

/**
 * The real express server (relay, REST, health) on a random port over a fresh database, without
 * Next: the admin panel is covered by the browser suite.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase()
  const running = await startServer({
    withNext: false,
    env: {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      JOBS_AUTORUN: 'false',
      // Suites sign staff in over REST with a password alone; the second-factor suite turns it on.
      STAFF_TOTP_REQUIRED: 'false',
      // Suites check wallets right after their requests settled; allowances.test.ts covers the idle wait.
      BILLING_ALLOWANCE_IDLE_SECONDS: '0',
      DATABASE_URL: database.url,
      PAYLOAD_SECRET: 'test-secret-that-is-long-enough-000000',
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      ...env,
    },
  })
  // Suites sign in far more often than a person; the auth-limit suite sets its own limit.
  await running.payload.updateGlobal({ slug: 'auth-settings', data: { authRequestsPerMinute: 100_000 } })
  const { port } = running.server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    payload: running.payload,
    gateway: running.gateway,
    close: async () => {
      await running.close()
      await database.drop()
    },
  }
}

export type Session = { token: string; headers: Record<string, string> }

export async function signIn(baseUrl: string, collection: 'admins' | 'users', email: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/${collection}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`)
  const { token } = (await res.json()) as { token: string }
  return { token, headers: { authorization: `JWT ${token}` } }
}

/**
 * Waits until the relay's catalog has every change made so far: rebuilds after a change are
 * debounced, so the current one is let land and then one is taken for sure.
 */
export async function catalogSettled(server: Pick<TestServer, 'gateway'>) {
  await new Promise((resolve) => setTimeout(resolve, 60))
  await server.gateway.store.refresh()
}
