import { randomBytes } from 'node:crypto'

import type { Endpoint } from 'payload'

import { staffCan } from '../access/staff'
import { STAFF_ROLES } from '../access/roles'
import { STAFF_INVITE } from '../auth/mail'
import { payloadError } from '../lib/payload-errors'

const INVITE_VALID_MS = 72 * 60 * 60 * 1000


/**
 * `POST /api/admins/invite` {email, name?, role}: a super-admin adds a staff member, who gets a
 * mail with a link to choose their own password (Payload's reset view). The account is created
 * with an unguessable password nobody knows, and audited like any staff change.
 */
export const inviteStaffEndpoint: Endpoint = {
  path: '/invite',
  method: 'post',
  handler: async (req) => {
    if (!staffCan(req.user, 'admins', 'create')) return payloadError(403, 'Only a super-admin can invite staff.')
    const body = (await req.json?.().catch(() => undefined)) as { email?: unknown; name?: unknown; role?: unknown } | undefined
    const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : ''
    const role = body?.role
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return payloadError(400, 'Give the email address to invite.')
    if (!STAFF_ROLES.includes(role as (typeof STAFF_ROLES)[number])) return payloadError(400, `The role must be one of: ${STAFF_ROLES.join(', ')}.`)
    const taken = await req.payload.count({ collection: 'admins', where: { email: { equals: email } }, overrideAccess: true, req })
    if (taken.totalDocs > 0) return payloadError(409, 'A staff member with this email already exists.')

    const invited = await req.payload.create({
      collection: 'admins',
      data: { email, name: typeof body?.name === 'string' ? body.name : undefined, role: role as (typeof STAFF_ROLES)[number], password: randomBytes(24).toString('base64url') },
      overrideAccess: false,
      req,
    })
    req.context[STAFF_INVITE] = true
    await req.payload.forgotPassword({ collection: 'admins', data: { email }, expiration: INVITE_VALID_MS, req })
    return Response.json({ message: `Invitation sent to ${email}.`, doc: { id: invited.id, email, role } }, { status: 201 })
  },
}
