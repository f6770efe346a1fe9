import type { CollectionConfig } from 'payload'
import { Forbidden } from 'payload'

import { byMatrix, nobody } from '../access/staff'

/**
 * Append-only record of staff and customer changes. Access denies every write through REST, the
 * admin and GraphQL; the hooks also refuse updates and deletes from server code, so the only
 * writer is the audit hook's `create`.
 */
export const AuditLogs: CollectionConfig = {
  slug: 'audit-logs',
  labels: { singular: 'Audit entry', plural: 'Audit log' },
  admin: {
    useAsTitle: 'summary',
    defaultColumns: ['createdAt', 'actorEmail', 'actorRole', 'action', 'collectionSlug', 'documentId', 'ip'],
    listSearchableFields: ['actorEmail', 'documentId', 'summary'],
    group: 'System',
    description: 'Every create, update, delete, sign-in and export by staff and customers. Read-only.',
  },
  defaultSort: '-createdAt',
  access: {
    read: byMatrix('audit-logs', 'read'),
    create: nobody,
    update: nobody,
    delete: nobody,
  },
  hooks: {
    beforeChange: [
      ({ operation, req }) => {
        if (operation === 'update') throw new Forbidden(req.t)
      },
    ],
    beforeDelete: [
      ({ req }) => {
        throw new Forbidden(req.t)
      },
    ],
  },
  fields: [
    {
      name: 'action',
      type: 'select',
      required: true,
      index: true,
      // view: staff opened a customer's personal data; rejected: a forged or refused outside call.
      options: ['create', 'update', 'delete', 'login', 'export', 'view', 'rejected'],
    },
    { name: 'collectionSlug', label: 'Collection', type: 'text', required: true, index: true },
    { name: 'documentId', label: 'Document', type: 'text', index: true },
    { name: 'actorId', label: 'Actor id', type: 'text', index: true },
    { name: 'actorEmail', label: 'Actor', type: 'text', index: true },
    { name: 'actorRole', label: 'Role', type: 'text' },
    {
      name: 'actorType',
      label: 'Actor kind',
      type: 'select',
      options: [
        { value: 'admins', label: 'Staff' },
        { value: 'users', label: 'Customer' },
        { value: 'system', label: 'Outside caller' },
      ],
    },
    { name: 'ip', label: 'IP', type: 'text', index: true },
    { name: 'userAgent', type: 'text' },
    { name: 'summary', type: 'text' },
    {
      name: 'changes',
      type: 'json',
      admin: { description: 'Changed fields with old and new values; secrets show as ***.' },
    },
  ],
}
