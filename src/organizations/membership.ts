import type { Payload, PayloadRequest } from 'payload'

import type { OrganizationRole } from '../collections/Organizations'
import { relationId } from '../lib/relation'
import { rolesWith, type OrganizationPermission } from './permissions'

type Lookup = { payload: Payload; req?: PayloadRequest }

/** The user's role in the organization, or undefined when they are not a member. */
export async function memberRole({ payload, req }: Lookup, organizationId: string, userId: string): Promise<OrganizationRole | undefined> {
  const { docs } = await payload.find({
    collection: 'organization-members',
    where: { organization: { equals: organizationId }, user: { equals: userId } },
    depth: 0,
    limit: 1,
    overrideAccess: true,
    req,
  })
  return docs[0]?.role
}

/** The organizations in which the user's role grants `permission` (any role when omitted). */
export async function organizationsOf({ payload, req }: Lookup, userId: string, permission?: OrganizationPermission): Promise<string[]> {
  const { docs } = await payload.find({
    collection: 'organization-members',
    where: { user: { equals: userId }, ...(permission ? { role: { in: rolesWith(permission) } } : {}) },
    select: { organization: true },
    depth: 0,
    pagination: false,
    overrideAccess: true,
    req,
  })
  return docs.flatMap((m) => relationId(m.organization) ?? [])
}

/** The organization's account: the customer record that owns its wallet, keys and usage. */
export async function accountOf({ payload, req }: Lookup, organizationId: string): Promise<string | undefined> {
  const { docs } = await payload.find({
    collection: 'organizations',
    where: { id: { equals: organizationId } },
    select: { account: true },
    depth: 0,
    limit: 1,
    overrideAccess: true,
    req,
  })
  return relationId(docs[0]?.account)
}

/** The accounts of the organizations in which the user's role grants `permission`. */
export async function accountsFor(lookup: Lookup, userId: string, permission: OrganizationPermission): Promise<string[]> {
  const organizations = await organizationsOf(lookup, userId, permission)
  if (organizations.length === 0) return []
  const { docs } = await lookup.payload.find({
    collection: 'organizations',
    where: { id: { in: organizations } },
    select: { account: true },
    depth: 0,
    pagination: false,
    overrideAccess: true,
    req: lookup.req,
  })
  return docs.flatMap((o) => relationId(o.account) ?? [])
}

/** The organization's account when the user's role there grants `permission`; undefined otherwise. */
export async function accountForMember(lookup: Lookup, organizationId: string, userId: string, permission: OrganizationPermission): Promise<string | undefined> {
  const role = await memberRole(lookup, organizationId, userId)
  if (!role || !rolesWith(permission).includes(role)) return undefined
  return accountOf(lookup, organizationId)
}
