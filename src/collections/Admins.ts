import type { CollectionConfig } from 'payload'

import { byMatrix, byMatrixOrSelf, isStaff, superAdminField } from '../access/staff'
import { ROLE_LABELS, STAFF_ROLES } from '../access/roles'
import { recordAudit } from '../hooks/audit'
import { enforcePasswordPolicy } from '../auth/customer-hooks'
import { staffMail } from '../auth/mail'
import { inviteStaffEndpoint } from '../endpoints/invite-staff'
import { secondFactorFields } from './second-factor'
import { SIGN_IN_LOCKOUT } from './sign-in-lockout'

export const Admins: CollectionConfig = {
  slug: 'admins',
  labels: { singular: 'Staff member', plural: 'Staff' },
  auth: { ...SIGN_IN_LOCKOUT, tokenExpiration: 8 * 60 * 60, forgotPassword: staffMail.forgotPassword },
  endpoints: [inviteStaffEndpoint],
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'name', 'role', 'updatedAt'],
    group: 'Team',
    components: {
      edit: {
        SaveButton: {
          path: '/components/admin/ConfirmSensitiveSave#ConfirmSensitiveSave',
          clientProps: { confirm: [{ field: 'role', question: "Change this staff member's role? It changes everything they can see and do." }] },
        },
      },
    },
  },
  access: {
    admin: ({ req }) => isStaff(req.user),
    read: byMatrixOrSelf('admins', 'read'),
    create: byMatrix('admins', 'create'),
    update: byMatrixOrSelf('admins', 'update'),
    delete: byMatrix('admins', 'delete'),
  },
  hooks: {
    beforeOperation: [enforcePasswordPolicy],
    afterLogin: [
      async ({ req, user }) => {
        await recordAudit(
          req,
          { action: 'login', collectionSlug: 'admins', documentId: user.id },
          { ...user, collection: 'admins' },
        )
      },
    ],
  },
  fields: [
    { name: 'name', type: 'text' },
    {
      name: 'role',
      type: 'select',
      required: true,
      defaultValue: 'operator',
      options: STAFF_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })),
      saveToJWT: true,
      access: { create: superAdminField, update: superAdminField },
      admin: { description: 'Only a super-admin can change roles.' },
    },
    ...secondFactorFields,
  ],
}
