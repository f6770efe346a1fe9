import type { Action, StaffRole } from './roles'

/**
 * The permission matrix: which staff role may do what to which collection. Collections are
 * grouped by who owns them in an operator's team; a slug that is not listed here is closed to
 * every role but super-admin, so a new collection must be placed on purpose.
 */
export const COLLECTION_GROUPS = {
  staff: ['admins', 'auth-settings'],
  customers: ['users', 'organizations', 'organization-members'],
  catalog: ['platforms', 'models', 'provider-keys'],
  customerKeys: ['api-keys'],
  money: [
    'plan-resources',
    'plans',
    'subscriptions',
    'redemption-codes',
    'orders',
    'wallets',
    'ledger-entries',
    'reservations',
    'subscription-resources',
    'tiers',
    'billing-settings',
    'coupons',
    'coupon-grants',
    'refunds',
    'payment-events',
    'referral-rewards',
    'payment-settings',
  ],
  content: ['media', 'prompt-templates'],
  activity: ['usage-logs', 'conversations', 'messages'],
  audit: ['audit-logs'],
  jobs: ['payload-jobs'],
} as const

export type CollectionGroup = keyof typeof COLLECTION_GROUPS

const ALL: readonly Action[] = ['read', 'create', 'update', 'delete', 'export']
const READ: readonly Action[] = ['read', 'export']
const NONE: readonly Action[] = []

export const PERMISSIONS: Record<StaffRole, Record<CollectionGroup, readonly Action[]>> = {
  'super-admin': {
    staff: ALL,
    customers: ALL,
    catalog: ALL,
    customerKeys: ALL,
    money: ALL,
    content: ALL,
    activity: ALL,
    // Nobody writes audit entries by hand; they are made by the audit hook alone.
    audit: READ,
    jobs: ALL,
  },
  operator: {
    staff: NONE,
    customers: ALL,
    catalog: ALL,
    customerKeys: ALL,
    money: ['read'],
    content: ['read'],
    activity: ALL,
    audit: NONE,
    jobs: ['read'],
  },
  finance: {
    staff: NONE,
    customers: ['read'],
    catalog: ['read'],
    customerKeys: NONE,
    money: ALL,
    content: NONE,
    activity: ['read', 'export'],
    audit: NONE,
    jobs: NONE,
  },
  auditor: {
    staff: READ,
    customers: READ,
    catalog: READ,
    customerKeys: READ,
    money: READ,
    content: READ,
    activity: READ,
    audit: READ,
    jobs: READ,
  },
  editor: {
    staff: NONE,
    customers: NONE,
    catalog: NONE,
    customerKeys: NONE,
    money: NONE,
    content: ALL,
    activity: NONE,
    audit: NONE,
    jobs: NONE,
  },
}

export function groupOf(slug: string): CollectionGroup | undefined {
  for (const [group, slugs] of Object.entries(COLLECTION_GROUPS)) {
    if ((slugs as readonly string[]).includes(slug)) return group as CollectionGroup
  }
  return undefined
}

export function roleCan(role: StaffRole, slug: string, action: Action): boolean {
  const group = groupOf(slug)
  if (!group) return role === 'super-admin'
  return PERMISSIONS[role][group].includes(action)
}
