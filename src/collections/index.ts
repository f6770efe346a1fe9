import type { CollectionConfig } from 'payload'

import { exportEndpoint } from '../endpoints/export'
import { auditAfterChange, auditAfterDelete } from '../hooks/audit'
import { Admins } from './Admins'
import { AuditLogs } from './AuditLogs'
import { Media } from './Media'
import { Models } from './Models'
import { Platforms } from './Platforms'
import { Users } from './Users'

/** Every change to a staff-managed collection is audited and its list can be exported. */
export function staffManaged(collection: CollectionConfig): CollectionConfig {
  const hooks = collection.hooks ?? {}
  return {
    ...collection,
    hooks: {
      ...hooks,
      afterChange: [...(hooks.afterChange ?? []), auditAfterChange],
      afterDelete: [...(hooks.afterDelete ?? []), auditAfterDelete],
    },
    endpoints: [...(collection.endpoints || []), exportEndpoint],
  }
}

export const collections: CollectionConfig[] = [
  ...[Admins, Users, Platforms, Models, Media].map(staffManaged),
  { ...AuditLogs, endpoints: [exportEndpoint] },
]
