import type { OrganizationRole } from '../collections/Organizations'

/**
 * What a member may do for an organization. `keys` is spending too: whoever holds an
 * organization's key spends its wallet.
 */
export type OrganizationPermission = 'members' | 'keys' | 'billing' | 'usage'

const GRANTS: Record<OrganizationRole, readonly OrganizationPermission[]> = {
  admin: ['members', 'keys', 'billing', 'usage'],
  finance: ['billing', 'usage'],
  developer: ['keys', 'usage'],
  'read-only': ['usage'],
}

export function roleAllows(role: OrganizationRole, permission: OrganizationPermission): boolean {
  return GRANTS[role].includes(permission)
}

export function rolesWith(permission: OrganizationPermission): OrganizationRole[] {
  return (Object.keys(GRANTS) as OrganizationRole[]).filter((role) => roleAllows(role, permission))
}
