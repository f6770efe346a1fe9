import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { byMatrix } from '../access/staff'
import { moneyField, ownerField } from './fields'

/**
 * One turn of a conversation. Only the chat endpoints write them (customers read their own), so
 * an answer's status, usage and charge are what the relay recorded.
 */
export const Messages: CollectionConfig = {
  slug: 'messages',
  labels: { singular: 'Message', plural: 'Messages' },
  admin: { useAsTitle: 'role', defaultColumns: ['createdAt', 'conversation', 'role', 'status', 'model', 'charge'], group: 'Activity' },
  defaultSort: 'createdAt',
  access: {
    read: byMatrixOrOwner('messages', 'read'),
    create: byMatrix('messages', 'create'),
    update: byMatrix('messages', 'update'),
    delete: byMatrix('messages', 'delete'),
  },
  fields: [
    { name: 'conversation', type: 'relationship', relationTo: 'conversations', required: true, index: true },
    ownerField,
    { name: 'role', type: 'select', required: true, options: ['user', 'assistant'] },
    { name: 'content', type: 'textarea' },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'done',
      options: [
        { value: 'done', label: 'Done' },
        { value: 'streaming', label: 'Streaming' },
        { value: 'stopped', label: 'Stopped by the customer' },
        { value: 'failed', label: 'Failed' },
      ],
    },
    { name: 'error', type: 'text' },
    { name: 'model', type: 'text' },
    { name: 'attachments', type: 'json', admin: { description: 'Files sent with the message: name, kind, tokens and their text.' } },
    { name: 'usage', type: 'json', admin: { description: 'Prompt and completion tokens of the answer.' } },
    moneyField('charge', { readOnly: true, description: 'What the answer cost the wallet.' }),
    { name: 'requestId', label: 'Request id', type: 'text', index: true, admin: { description: 'The usage record of this answer has the same request id.' } },
  ],
}
