import type { CollectionBeforeDeleteHook, CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { byMatrix, staffField } from '../access/staff'
import { ownerField } from './fields'

/**
 * Before, not after: the messages' foreign key is cleared when the conversation goes, and then
 * they could no longer be found by it. Straight to the database, so a long chat is one statement
 * and not one audited delete per message.
 */
const deleteMessages: CollectionBeforeDeleteHook = async ({ id, req }) => {
  await req.payload.db.deleteMany({ collection: 'messages', where: { conversation: { equals: id } }, req })
}

/** A customer's chat in the web app; its messages are in `messages`. Created by `/api/chat/send`. */
export const Conversations: CollectionConfig = {
  slug: 'conversations',
  labels: { singular: 'Conversation', plural: 'Conversations' },
  admin: { useAsTitle: 'title', defaultColumns: ['title', 'owner', 'model', 'updatedAt'], group: 'Activity' },
  defaultSort: '-updatedAt',
  access: {
    read: byMatrixOrOwner('conversations', 'read'),
    create: byMatrix('conversations', 'create'),
    update: byMatrixOrOwner('conversations', 'update'),
    delete: byMatrixOrOwner('conversations', 'delete'),
  },
  hooks: { beforeDelete: [deleteMessages] },
  fields: [
    { name: 'title', type: 'text', required: true },
    { ...ownerField, access: { update: staffField } } as typeof ownerField,
    { name: 'model', type: 'text', admin: { description: 'The model new answers use.' } },
    { name: 'systemRole', label: 'System role', type: 'textarea', admin: { description: 'Sent as the system prompt of every answer.' } },
  ],
}
