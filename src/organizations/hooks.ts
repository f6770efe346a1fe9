import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, CollectionBeforeDeleteHook, PayloadRequest } from 'payload'

import { inRequestTransaction } from '../db/request-transaction'
import { relationId } from '../lib/relation'
import type { Organization, OrganizationMember } from '../payload-types'
import { announceCatalogChange } from '../relay/catalog-store'
import { assertPerson, createOrganizationAccount } from './lifecycle'
import { setAccountTier } from './tier'
import { refusal } from '../lib/payload-errors'


/** A new organization gets its account before it is written; the owner must be a person. */
export const giveOrganizationAnAccount: CollectionBeforeChangeHook<Organization> = async ({ data, operation, req }) => {
  if (operation !== 'create') return data
  const owner = relationId(data.owner)
  if (!owner) throw refusal('Choose the customer who owns the organization.')
  await assertPerson(req.payload, owner, req)
  const account = await createOrganizationAccount(req.payload, data.name ?? 'Organization', req)
  return { ...data, account: account.id }
}

/** The owner is the organization's first admin. */
export const makeOwnerAdmin: CollectionAfterChangeHook<Organization> = async ({ doc, operation, req }) => {
  if (operation !== 'create') return doc
  await req.payload.create({
    collection: 'organization-members',
    data: { organization: doc.id, user: relationId(doc.owner)!, role: 'admin' },
    overrideAccess: true,
    req,
  })
  return doc
}

/**
 * The tier staff give an organization goes onto its account's wallet: the relay and billing read
 * tiers from wallets only, so that is what makes it count.
 */
export const putTierOnWallet: CollectionAfterChangeHook<Organization> = async ({ doc, previousDoc, operation, req }) => {
  const tier = relationId(doc.tier) ?? null
  if (operation === 'update' ? tier === (relationId(previousDoc?.tier) ?? null) : tier === null) return doc
  const account = relationId(doc.account)
  if (!account) return doc
  await inRequestTransaction(req, (tx) => setAccountTier(tx, account, tier))
  announceCatalogChange('wallets')
  return doc
}

/** Members are people, and the owner stays an admin. */
export const checkMembership: CollectionBeforeChangeHook<OrganizationMember> = async ({ data, operation, originalDoc, req }) => {
  if (operation === 'create') {
    const user = relationId(data.user)
    if (!user) throw refusal('Choose the customer to add.')
    await assertPerson(req.payload, user, req)
    return data
  }
  if (data.role && data.role !== 'admin' && (await isOwnerMembership(req, originalDoc))) throw refusal("The organization's owner stays an admin.")
  return data
}

/** The owner cannot be removed from their organization. */
export const keepOwner: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const member = await req.payload.findByID({ collection: 'organization-members', id, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (await isOwnerMembership(req, member)) throw refusal("The organization's owner cannot be removed.")
}

async function isOwnerMembership(req: PayloadRequest, member: Pick<OrganizationMember, 'organization' | 'user'> | null | undefined) {
  const organization = relationId(member?.organization)
  if (!organization) return false
  const org = await req.payload.findByID({ collection: 'organizations', id: organization, depth: 0, overrideAccess: true, disableErrors: true, req })
  return relationId(org?.owner) === relationId(member?.user)
}
