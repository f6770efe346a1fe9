import type { Payload, TypedUser } from 'payload'

import type { Conversation, Message } from '../payload-types'
import { ChatRefusal } from './errors'
import type { Attachment, Turn } from './prompt'

/**
 * Conversations and messages as the chat endpoints keep them. Reads for a customer go through
 * collection access (someone else's conversation is simply not found); writes are the server's
 * own, after those reads.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SYSTEM = { overrideAccess: true, depth: 0 } as const

export type NewMessage = Pick<Message, 'role' | 'content' | 'status'> & Partial<Pick<Message, 'error' | 'model' | 'usage' | 'charge' | 'requestId'>> & { attachments?: Attachment[] }

async function visible<T>(payload: Payload, user: TypedUser, collection: 'conversations' | 'messages', id: unknown, what: string): Promise<T> {
  if (typeof id !== 'string' || !UUID.test(id)) throw new ChatRefusal(404, `No such ${what}.`)
  const { docs } = await payload.find({ collection, where: { id: { equals: id } }, user, overrideAccess: false, depth: 0, limit: 1, pagination: false })
  if (!docs[0]) throw new ChatRefusal(404, `No such ${what}.`)
  return docs[0] as T
}

export const conversationFor = (payload: Payload, user: TypedUser, id: unknown) => visible<Conversation>(payload, user, 'conversations', id, 'conversation')

export const messageFor = (payload: Payload, user: TypedUser, id: unknown) => visible<Message>(payload, user, 'messages', id, 'message')

export const idOf = (value: string | { id: string }) => (typeof value === 'string' ? value : value.id)

/** Oldest first. */
export async function messagesOf(payload: Payload, conversationId: string): Promise<Message[]> {
  const { docs } = await payload.find({ collection: 'messages', where: { conversation: { equals: conversationId } }, sort: 'createdAt', pagination: false, ...SYSTEM })
  return docs
}

export function turnOf(message: Pick<Message, 'role' | 'content' | 'attachments'>): Turn {
  return { role: message.role, content: message.content ?? '', attachments: Array.isArray(message.attachments) ? (message.attachments as Attachment[]) : [] }
}

export function createConversation(payload: Payload, data: Pick<Conversation, 'title' | 'owner' | 'model' | 'systemRole'>) {
  return payload.create({ collection: 'conversations', data, ...SYSTEM })
}

export function updateConversation(payload: Payload, id: string, data: Partial<Pick<Conversation, 'title' | 'model' | 'systemRole'>>) {
  return payload.update({ collection: 'conversations', id, data, ...SYSTEM })
}

export async function deleteConversation(payload: Payload, id: string) {
  await payload.delete({ collection: 'conversations', id, ...SYSTEM })
}

/**
 * Messages are read in createdAt order, so a new one is stamped after the conversation's last
 * even when both fall in the same millisecond.
 */
export function addMessage(payload: Payload, conversation: Conversation, after: string | undefined, data: NewMessage) {
  const createdAt = new Date(Math.max(Date.now(), after ? Date.parse(after) + 1 : 0)).toISOString()
  return payload.create({ collection: 'messages', data: { ...data, conversation: conversation.id, owner: idOf(conversation.owner), createdAt }, ...SYSTEM })
}

export function updateMessage(payload: Payload, id: string, data: Partial<NewMessage>) {
  return payload.update({ collection: 'messages', id, data, ...SYSTEM })
}

export async function deleteMessages(payload: Payload, ids: string[]) {
  if (ids.length > 0) await payload.delete({ collection: 'messages', where: { id: { in: ids } }, ...SYSTEM })
}
