import type { Access, CollectionConfig } from 'payload'

import { isCustomer, matrixAccess, staffCan } from '../access/staff'

const readable: Access = ({ req }) => isCustomer(req.user) || staffCan(req.user, 'prompt-templates', 'read')

/** The writing tools of the chat app: a system prompt and a user prompt with `{{variables}}` to fill in. */
export const PromptTemplates: CollectionConfig = {
  slug: 'prompt-templates',
  labels: { singular: 'Prompt template', plural: 'Prompt templates' },
  admin: { useAsTitle: 'title', defaultColumns: ['title', 'category', 'order'], group: 'Content' },
  defaultSort: 'order',
  access: { ...matrixAccess('prompt-templates'), read: readable },
  fields: [
    { name: 'title', type: 'text', required: true },
    { name: 'category', type: 'text', index: true },
    { name: 'icon', type: 'text', admin: { description: 'An emoji or an icon name shown on the card.' } },
    { name: 'order', type: 'number', defaultValue: 0, index: true },
    // A textarea rather than lexical rich text: importing @payloadcms/richtext-lexical has been
    // seen to hang on Node 20, and a card's description is a sentence or two of plain text.
    { name: 'description', type: 'textarea' },
    { name: 'systemPrompt', type: 'textarea' },
    { name: 'userPrompt', type: 'textarea', required: true, admin: { description: 'Write {{name}} where a variable goes.' } },
    {
      name: 'variables',
      type: 'array',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'label', type: 'text', required: true },
      ],
    },
  ],
}
