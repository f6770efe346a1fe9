import { randomBytes } from 'node:crypto'

import type { Payload, PayloadRequest } from 'payload'

import { SIGN_UP_METHOD } from '../auth/customer-hooks'
import type { Organization, User } from '../payload-types'
import { refusal } from '../lib/payload-errors'

export type NewOrganization = Pick<Organization, 'name' | 'type'> & { owner: string }


/**
 * The organization's account: a customer record nobody signs in as (sign-in refuses it), with a
 * username of its own, no email and a password nobody knows. It starts verified and skips the
 * sign-up checks, as accounts our own code creates do.
 */
export async function createOrganizationAccount(payload: Payload, name: string, req?: PayloadRequest): Promise<User> {
  return payload.create({
    collection: 'users',
    data: {
      username: `org-${randomBytes(5).toString('hex')}`,
      password: randomBytes(32).toString('base64url'),
      name,
      accountType: 'organization',
      _verified: true,
    },
    overrideAccess: true,
    context: { [SIGN_UP_METHOD]: 'organization' },
    req,
  })
}

/** A person who may own or join organizations; organizations' accounts and unknown ids may not. */
export async function assertPerson(payload: Payload, userId: string, req?: PayloadRequest): Promise<User> {
  const user = await payload.findByID({ collection: 'users', id: userId, depth: 0, overrideAccess: true, disableErrors: true, req })
  if (!user) throw refusal('That customer does not exist.', { status: 400 })
  if (user.accountType === 'organization') throw refusal("An organization's account cannot belong to an organization.", { status: 400 })
  return user
}

/**
 * Creates the organization, its account and the owner's admin membership together (the
 * organization's hooks add the other two; on Postgres in the request's transaction).
 */
export async function createOrganization(payload: Payload, input: NewOrganization, req?: PayloadRequest): Promise<Organization> {
  return payload.create({ collection: 'organizations', data: { verification: 'unverified', ...input }, depth: 0, overrideAccess: true, req })
}

/**
 * Makes an existing customer the owner of a new organization. Their own wallet, keys and usage stay
 * theirs; the organization's start empty on its account. A customer owns at most one organization
 * this way, so converting twice is refused.
 */
export async function convertToOrganizationOwner(payload: Payload, input: NewOrganization, req?: PayloadRequest): Promise<Organization> {
  await assertPerson(payload, input.owner, req)
  const owned = await payload.count({ collection: 'organizations', where: { owner: { equals: input.owner } }, overrideAccess: true, req })
  if (owned.totalDocs > 0) throw refusal('That customer already owns an organization.', { status: 409 })
  return createOrganization(payload, input, req)
}
