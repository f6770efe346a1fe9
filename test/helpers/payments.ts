import { randomUUID } from 'node:crypto'

import { expect } from '@jest/globals'

import { rest, type Rest } from './rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, type TestServer } from './server'

/**
 * The shop front the payment channel suites share: one customer who places and pays orders, the
 * super-admin who reads the ledger, events and audit log, and a finance member who refunds, with
 * the readers each suite asserts through. Channel settings and fakes stay in the suites.
 */

/** The top-up every channel suite places unless it says otherwise: 100 in micro-units. */
export const TOP_UP = 100_000_000

export type Channel = 'epay' | 'wechat' | 'alipay' | 'stripe'

/** An order as checkout answers it. */
export type PlacedOrder = { id: string; number: string; payable: number; currency: string; status: string }

/** Where each channel sends the customer: a link to the gateway, or a QR code to scan. */
type PayAt = { epay: { payUrl: string }; stripe: { payUrl: string }; alipay: { qrCode: string }; wechat: { qrCode: string } }

export type LedgerEntry = { kind: string; amount: number }
export type PaymentEvent = { kind: string; outcome: string | null; verified: boolean; detail: Record<string, unknown> }
export type AuditEntry = { summary: string }

export type Shop = {
  customerToken: string
  staffToken: string
  financeToken: string
  /** The customer places an order (a top-up of `TOP_UP` unless `body` says otherwise) through `channel`. */
  checkout<C extends Channel>(channel: C, body?: Record<string, unknown>): Promise<PlacedOrder & PayAt[C]>
  /** The customer's cash balance. */
  cash(): Promise<number>
  orderStatus(id: string): Promise<string>
  /** The ledger entries that reference the order, oldest first. */
  ledgerOf(orderId: string): Promise<LedgerEntry[]>
  /** The order's payment events, only those of `kind` when given. */
  eventsOf(orderId: string, kind?: string): Promise<PaymentEvent[]>
  /** The audit log's `rejected` entries, newest first, only those whose summary starts with `prefix` when given. */
  rejectedAudits(prefix?: string): Promise<AuditEntry[]>
  /** The payment events of `channel` that were refused, whatever order they claimed. */
  rejectedEvents(channel: Channel): Promise<PaymentEvent[]>
  /** A finance member refunds `amount` of the order. */
  refund(orderId: string, amount: number, reason?: string): Promise<Rest>
}

/** Creates the customer and the staff sessions on `server`; call it once the channel is configured. */
export async function openShop(server: TestServer): Promise<Shop> {
  const email = `c-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'users', data: { email, password: 'customer-password-1' } })
  const customerToken = (await signIn(server.baseUrl, 'users', email, 'customer-password-1')).token
  const staffToken = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).token
  const financeEmail = `finance-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'admins', data: { email: financeEmail, password: 'staff-password-123', role: 'finance' } })
  const financeToken = (await signIn(server.baseUrl, 'admins', financeEmail, 'staff-password-123')).token

  const asStaff = async <T>(path: string) => (await rest(server.baseUrl, path, { token: staffToken })).body.docs as T[]

  return {
    customerToken,
    staffToken,
    financeToken,

    async checkout<C extends Channel>(channel: C, body: Record<string, unknown> = { kind: 'top-up', amount: TOP_UP }) {
      const res = await rest(server.baseUrl, '/api/orders/checkout', { method: 'POST', token: customerToken, body: JSON.stringify({ ...body, channel }) })
      expect(res.status).toBe(201)
      return res.body.order as PlacedOrder & PayAt[C]
    },

    async cash() {
      const res = await rest(server.baseUrl, '/api/me/billing', { token: customerToken })
      expect(res.status).toBe(200)
      return res.body.balances.cash as number
    },

    async orderStatus(id) {
      const res = await rest(server.baseUrl, `/api/orders/${id}`, { token: customerToken })
      expect(res.status).toBe(200)
      return res.body.status as string
    },

    // Sorted, because suites compare a top-up followed by its refunds in the order they were made.
    ledgerOf: (orderId) => asStaff<LedgerEntry>(`/api/ledger-entries?where[referenceId][equals]=${orderId}&depth=0&sort=createdAt&limit=100`),

    eventsOf: (orderId, kind) =>
      asStaff<PaymentEvent>(`/api/payment-events?where[order][equals]=${orderId}${kind ? `&where[kind][equals]=${kind}` : ''}&depth=0&limit=100`),

    async rejectedAudits(prefix) {
      const audits = await asStaff<AuditEntry>('/api/audit-logs?where[action][equals]=rejected&limit=100')
      return prefix === undefined ? audits : audits.filter((audit) => audit.summary.startsWith(prefix))
    },

    rejectedEvents: (channel) => asStaff<PaymentEvent>(`/api/payment-events?where[outcome][equals]=rejected&where[channel][equals]=${channel}&limit=100`),

    refund: (orderId, amount, reason = 'Customer asked') =>
      rest(server.baseUrl, `/api/orders/${orderId}/refund`, { method: 'POST', token: financeToken, body: JSON.stringify({ amount, reason }) }),
  }
}
