import { addDataAndFileToRequest, type Endpoint, type PayloadRequest } from 'payload'

import { mayAddMembers } from '../access/organizations'
import { staffCan } from '../access/staff'
import { ORGANIZATION_ROLES, type OrganizationRole } from '../collections/Organizations'
import { recordAudit } from '../hooks/audit'
import type { Organization } from '../payload-types'
import { convertToOrganizationOwner } from './lifecycle'
import { memberRole } from './membership'
import { payloadError } from '../lib/payload-errors'


const TYPES: Organization['type'][] = ['company', 'team', 'individual']

async function bodyOf(req: PayloadRequest): Promise<Record<string, unknown>> {
  await addDataAndFileToRequest(req)
  return (req.data ?? {}) as Record<string, unknown>
}

/** `POST /api/organizations/convert` {user, name, type}: staff make a customer the owner of a new organization. */
export const convertEndpoint: Endpoint = {
  path: '/convert',
  method: 'post',
  handler: async (req) => {
    if (!req.user) return payloadError(401, 'Sign in first.')
    if (!staffCan(req.user, 'organizations', 'create')) return payloadError(403, 'You are not allowed to perform this action.')
    const { user, name, type = 'company' } = await bodyOf(req)
    if (typeof user !== 'string' || !user) return payloadError(400, 'Send the id of the customer to convert as "user".')
    if (typeof name !== 'string' || !name.trim()) return payloadError(400, "Send the organization's name.")
    if (!TYPES.includes(type as Organization['type'])) return payloadError(400, `The type is one of ${TYPES.join(', ')}.`)
    const organization = await convertToOrganizationOwner(req.payload, { owner: user, name: name.trim(), type: type as Organization['type'] }, req)
    await recordAudit(req, {
      action: 'create',
      collectionSlug: 'organizations',
      documentId: organization.id,
      summary: `converted customer ${user} into the owner of organization ${organization.name}`,
    })
    return Response.json({ doc: organization, message: 'Customer converted into an organization owner.' }, { status: 201 })
  },
}

/**
 * `POST /api/organizations/:id/members` {user: email or username, role}: an admin adds a customer
 * they know by name rather than by id. Whether the caller may add is checked before the lookup, so
 * nobody else can probe which emails have accounts.
 */
export const addMemberEndpoint: Endpoint = {
  path: '/:id/members',
  method: 'post',
  handler: async (req) => {
    if (!req.user) return payloadError(401, 'Sign in first.')
    const organization = String(req.routeParams?.id ?? '')
    if (!(await mayAddMembers(req, organization))) return payloadError(403, 'You are not allowed to perform this action.')
    const { user: login, role = 'developer' } = await bodyOf(req)
    if (typeof login !== 'string' || !login.trim()) return payloadError(400, 'Send the email or username of the customer to add as "user".')
    if (!ORGANIZATION_ROLES.includes(role as OrganizationRole)) return payloadError(400, `The role is one of ${ORGANIZATION_ROLES.join(', ')}.`)
    const value = login.trim()
    const { docs } = await req.payload.find({
      collection: 'users',
      where: { or: [{ email: { equals: value.toLowerCase() } }, { username: { equals: value } }] },
      depth: 0,
      limit: 1,
      overrideAccess: true,
      req,
    })
    const user = docs[0]
    if (!user) return payloadError(404, 'No customer has that email or username.')
    if (await memberRole({ payload: req.payload, req }, organization, user.id)) return payloadError(409, 'That customer is already a member.')
    const doc = await req.payload.create({
      collection: 'organization-members',
      data: { organization, user: user.id, role: role as OrganizationRole },
      overrideAccess: false,
      user: req.user,
      req,
    })
    return Response.json({ doc, message: 'Member added.' }, { status: 201 })
  },
}
