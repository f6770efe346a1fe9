import type { CollectionConfig } from 'payload'

import { exportEndpoint } from '../endpoints/export'
import { auditAfterChange, auditAfterDelete } from '../hooks/audit'
import type { Secrets } from '../lib/secrets'
import { Admins } from './Admins'
import { apiKeys } from './ApiKeys'
import { AuditLogs } from './AuditLogs'
import { Media } from './Media'
import { Models } from './Models'
import { Platforms } from './Platforms'
import { providerKeys } from './ProviderKeys'
import { UsageLogs } from './UsageLogs'
import { Users } from './Users'

/** Read-only records: exportable, not audited (nobody can change them through the API). */
function records(collection: CollectionConfig): CollectionConfig {
  return { ...collection, endpoints: [...(collection.endpoints || []), exportEndpoint] }
}

/** Every change to a staff-managed collection is audited and its list can be exported. */
export function staffManaged(collection: CollectionConfig): CollectionConfig {
  const hooks = collection.hooks ?? {}
  return records({
    ...collection,
    hooks: {
      ...hooks,
      afterChange: [...(hooks.afterChange ?? []), auditAfterChange],
      afterDelete: [...(hooks.afterDelete ?? []), auditAfterDelete],
    },
  })
}

export function buildCollections(secrets: Secrets): CollectionConfig[] {
  return [
    ...[Admins, Users, Platforms, Models, providerKeys(secrets), apiKeys(secrets), Media].map(staffManaged),
    ...[UsageLogs, AuditLogs].map(records),
  ]
}
