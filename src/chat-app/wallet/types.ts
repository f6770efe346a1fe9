/** What the wallet's routes answer (docs/chat-api.md), as far as the panel reads them. */

import type { ChatConfig } from '../types'

export type Balances = { gift: number; cash: number; credit: number; creditLimit: number; reserved: number; available: number; totalTopUp: number }

export type Meter = 'requests' | 'tokens' | 'characters'

/** −1 = unlimited, for `limit` and `remaining` alike. */
export type ResourceLeft = { name: string | null; models: string[]; meter: Meter; limit: number; used: number; reserved: number; remaining: number }

export type Subscription = { id: string; planId: string | null; name: string | null; startsAt: string; expiresAt: string; resources: ResourceLeft[] }

export type Billing = { balances: Balances; subscriptions: Subscription[] }

export type WalletConfig = ChatConfig & { topUpPresets: number[]; minimumTopUp: number; channels: { id: string; label: string }[] }

export type PlanResource = { id: string; name: string; models: string[]; meter: Meter; limit: number }

export type Plan = {
  id: string
  name: string
  price: number
  periodUnit: 'days' | 'months' | 'years' | 'until-used-up'
  periodLength: number
  quantityMultiplier?: number | null
  description?: string | null
  /** Ids where the customer may not read the resource. */
  resources?: (PlanResource | string)[] | null
}

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'closed' | 'refunding' | 'refunded' | 'partially-refunded'

export type Order = { id: string; number: string; payable: number; payUrl: string | null; qrCode: string | null; status: OrderStatus }

export type CheckoutRequest = ({ kind: 'top-up'; amount: number; channel: string } | { kind: 'plan'; plan: string; channel: string }) & { couponGrant?: string }

export type HeldCoupon = {
  grantId: string
  coupon: { id: string; name: string; kind: 'fixed' | 'percent'; amount: number; percent: number; maxDiscount: number; minimumSpend: number; orderKinds: string[]; endsAt: string | null }
}

export type UsageLog = { id: string; createdAt: string; model?: string | null; promptTokens?: number | null; completionTokens?: number | null; charge?: number | null }

export type Page<T> = { docs: T[]; page: number; totalPages: number; hasNextPage: boolean; hasPrevPage: boolean }
