import type { Access, PayloadRequest, Where } from 'payload'

import { relationId } from '../lib/relation'
import { accountForMember, accountsFor, organizationsOf } from '../organizations/membership'
import type { OrganizationPermission } from '../organizations/permissions'
import { isCustomer, staffCan } from './staff'

/**
 * Which permission lets a member reach an organization account's rows in each collection that
 * is keyed by owner. A collection not listed shows a customer their own rows only.
 */
const ACCOUNT_ROWS: Partial<Record<string, OrganizationPermission>> = {
  'api-keys': 'keys',
  wallets: 'billing',
  'ledger-entries': 'billing',
  subscriptions: 'billing',
  'subscription-resources': 'billing',
  'usage-logs': 'usage',
}

const lookup = (req: PayloadRequest) => ({ payload: req.payload, req })

const inList = (field: string, ids: string[]): Where => ({ [field]: { in: ids } })

/** The owners whose rows of `slug` a customer reaches: themselves and the accounts their roles open. */
export async function ownersVisibleTo(req: PayloadRequest, slug: string): Promise<string[]> {
  const self = String(req.user!.id)
  const permission = ACCOUNT_ROWS[slug]
  return permission ? [self, ...(await accountsFor(lookup(req), self, permission))] : [self]
}

/** Staff by the matrix; a customer reads the organizations they belong to. */
export const organizationsReadable: Access = async ({ req }) => {
  if (staffCan(req.user, 'organizations', 'read')) return true
  if (!isCustomer(req.user)) return false
  return inList('id', await organizationsOf(lookup(req), String(req.user!.id)))
}

/** Staff by the matrix; an organization's admins edit it (staff-only fields are guarded by field access). */
export const organizationsEditable: Access = async ({ req }) => {
  if (staffCan(req.user, 'organizations', 'update')) return true
  if (!isCustomer(req.user)) return false
  return inList('id', await organizationsOf(lookup(req), String(req.user!.id), 'members'))
}

/** Staff by the matrix; a customer sees the members of their own organizations. */
export const membersReadable: Access = async ({ req }) => {
  if (staffCan(req.user, 'organization-members', 'read')) return true
  if (!isCustomer(req.user)) return false
  return inList('organization', await organizationsOf(lookup(req), String(req.user!.id)))
}

/** Staff by the matrix, or an admin of the organization. */
export async function mayAddMembers(req: PayloadRequest, organization: string | undefined): Promise<boolean> {
  if (staffCan(req.user, 'organization-members', 'create')) return true
  if (!isCustomer(req.user) || !organization) return false
  return (await organizationsOf(lookup(req), String(req.user!.id), 'members')).includes(organization)
}

/** Staff by the matrix; an organization's admins add members to it. */
export const membersCreatable: Access = async ({ req, data }) => {
  // Without data Payload asks whether creating is possible at all (the admin's permissions).
  if (!data) return staffCan(req.user, 'organization-members', 'create') || isCustomer(req.user)
  return mayAddMembers(req, relationId(data.organization))
}

/** Staff by the matrix (`update` or `delete`); an organization's admins change roles and remove members. */
export const membersManageable =
  (action: 'update' | 'delete'): Access =>
  async ({ req }) => {
    if (staffCan(req.user, 'organization-members', action)) return true
    if (!isCustomer(req.user)) return false
    return inList('organization', await organizationsOf(lookup(req), String(req.user!.id), 'members'))
  }

/** Staff by the matrix; a customer creates keys of their own, or an organization's as its admin or developer. */
export const apiKeyCreatable: Access = async ({ req, data }) => {
  if (staffCan(req.user, 'api-keys', 'create')) return true
  if (!isCustomer(req.user)) return false
  const organization = relationId(data?.organization)
  return !organization || Boolean(await accountForMember(lookup(req), organization, String(req.user!.id), 'keys'))
}
