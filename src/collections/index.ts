import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionConfig, Endpoint } from 'payload'

import { checkoutEndpoint, claimCouponEndpoint, myCouponsEndpoint } from '../endpoints/checkout'
import { exportEndpoint } from '../endpoints/export'
import { xlsxExportEndpoint } from '../endpoints/export-xlsx'
import { orderAdminEndpoints } from '../endpoints/order-admin'
import { auditAfterChange, auditAfterDelete } from '../hooks/audit'
import { catalogChangedAfterChange, catalogChangedAfterDelete } from '../hooks/catalog-changed'
import type { Secrets } from '../lib/secrets'
import { Admins } from './Admins'
import { apiKeys } from './ApiKeys'
import { AuditLogs } from './AuditLogs'
import { LedgerEntries } from './LedgerEntries'
import { CouponGrants } from './CouponGrants'
import { Conversations } from './Conversations'
import { Coupons } from './Coupons'
import { Media } from './Media'
import { Messages } from './Messages'
import { Orders } from './Orders'
import { OrganizationMembers } from './OrganizationMembers'
import { Organizations } from './Organizations'
import { Models } from './Models'
import { PlanResources } from './PlanResources'
import { Plans } from './Plans'
import { PaymentEvents } from './PaymentEvents'
import { Platforms } from './Platforms'
import { PromptTemplates } from './PromptTemplates'
import { ReferralRewards } from './ReferralRewards'
import { Refunds } from './Refunds'
import { RedemptionCodes } from './RedemptionCodes'
import { Reservations } from './Reservations'
import { SmsCodes } from './SmsCodes'
import { SubscriptionResources } from './SubscriptionResources'
import { Subscriptions } from './Subscriptions'
import { Tiers } from './Tiers'
import { providerKeys } from './ProviderKeys'
import { UsageLogs } from './UsageLogs'
import { Users } from './Users'
import { Wallets } from './Wallets'
import { WechatSignIns } from './WechatSignIns'
import { withSecondFactor } from './with-second-factor'

/** Read-only records: exportable, not audited (nobody can change them through the API). */
function records(collection: CollectionConfig): CollectionConfig {
  return { ...collection, endpoints: [...(collection.endpoints || []), exportEndpoint] }
}

/** Runs `afterChange` and `afterDelete` after the collection's own hooks. */
function alsoAfter(
  collection: CollectionConfig,
  afterChange: CollectionAfterChangeHook,
  afterDelete: CollectionAfterDeleteHook,
): CollectionConfig {
  const hooks = collection.hooks ?? {}
  return {
    ...collection,
    hooks: {
      ...hooks,
      afterChange: [...(hooks.afterChange ?? []), afterChange],
      afterDelete: [...(hooks.afterDelete ?? []), afterDelete],
    },
  }
}

/** Every change to a staff-managed collection is audited and its list can be exported. */
export function staffManaged(collection: CollectionConfig): CollectionConfig {
  return records(alsoAfter(collection, auditAfterChange, auditAfterDelete))
}

/** A change to what the relay serves rebuilds its in-memory catalog. */
function servedByRelay(collection: CollectionConfig): CollectionConfig {
  return alsoAfter(collection, catalogChangedAfterChange, catalogChangedAfterDelete)
}

/** Adds endpoints that need the deployment's secrets to a collection defined without them. */
function withEndpoints(collection: CollectionConfig, endpoints: Endpoint[]): CollectionConfig {
  return { ...collection, endpoints: [...(collection.endpoints || []), ...endpoints] }
}

export function buildCollections(secrets: Secrets): CollectionConfig[] {
  const staffActions = orderAdminEndpoints(secrets)
  const orders = withEndpoints(Orders, [checkoutEndpoint(secrets), ...staffActions.orders, xlsxExportEndpoint])
  const coupons = withEndpoints(Coupons, [claimCouponEndpoint, myCouponsEndpoint, ...staffActions.coupons])
  const catalog = [Platforms, Models, providerKeys(secrets), apiKeys(secrets)].map(servedByRelay)
  return [
    ...[withSecondFactor(Admins, secrets), withSecondFactor(Users, secrets), Organizations, OrganizationMembers, ...catalog, Media, servedByRelay(Tiers), PlanResources, Plans, Subscriptions, RedemptionCodes, orders, coupons, CouponGrants, Conversations, Messages, PromptTemplates].map(staffManaged),
    ...[Wallets, LedgerEntries, Reservations, SubscriptionResources, UsageLogs, AuditLogs, withEndpoints(Refunds, staffActions.refunds), PaymentEvents, withEndpoints(ReferralRewards, staffActions.referralRewards)].map(records),
    SmsCodes,
    WechatSignIns,
  ]
}
