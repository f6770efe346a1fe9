import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionConfig } from 'payload'

import { exportEndpoint } from '../endpoints/export'
import { auditAfterChange, auditAfterDelete } from '../hooks/audit'
import { catalogChangedAfterChange, catalogChangedAfterDelete } from '../hooks/catalog-changed'
import type { Secrets } from '../lib/secrets'
import { Admins } from './Admins'
import { apiKeys } from './ApiKeys'
import { AuditLogs } from './AuditLogs'
import { LedgerEntries } from './LedgerEntries'
import { Media } from './Media'
import { OrganizationMembers } from './OrganizationMembers'
import { Organizations } from './Organizations'
import { Models } from './Models'
import { PlanResources } from './PlanResources'
import { Plans } from './Plans'
import { Platforms } from './Platforms'
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

export function buildCollections(secrets: Secrets): CollectionConfig[] {
  const catalog = [Platforms, Models, providerKeys(secrets), apiKeys(secrets)].map(servedByRelay)
  return [
    ...[Admins, Users, Organizations, OrganizationMembers, ...catalog, Media, servedByRelay(Tiers), PlanResources, Plans, Subscriptions, RedemptionCodes].map(staffManaged),
    ...[Wallets, LedgerEntries, Reservations, SubscriptionResources, UsageLogs, AuditLogs].map(records),
    SmsCodes,
    WechatSignIns,
  ]
}
