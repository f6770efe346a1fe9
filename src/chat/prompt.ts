import { countTokens } from 'gpt-tokenizer'

import type { ContentPart } from '../relay/types'
import type { OpenAIMessage } from '../relay/translate/openai-types'
import { ChatRefusal } from './errors'

/**
 * What the model is sent for a conversation: the system role, every earlier turn and the files
 * attached to them, and how many tokens that makes.
 */

export type Attachment = { name: string; kind: 'text' | 'image' | 'audio'; text?: string; dataUrl?: string; tokens?: number }

export type Turn = { role: 'user' | 'assistant'; content: string; attachments?: Attachment[] | null }

/** What an image costs a vision model, whatever its size: OpenAI's price of a detailed 512×512 tile set. */
export const IMAGE_TOKENS = 765

/** Tokens each message adds for its role and separators, as OpenAI counts them. */
const PER_MESSAGE_TOKENS = 4

const KINDS = new Set(['text', 'image', 'audio'])
const MAX_ATTACHMENTS = 20

/** The attachments of a request as `/api/chat/files` returned them; anything else is a 400. */
export function readAttachments(value: unknown): Attachment[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.length > MAX_ATTACHMENTS) throw new ChatRefusal(400, `attachments must be a list of at most ${MAX_ATTACHMENTS} files.`)
  return value.map((item) => {
    const { name, kind, text, dataUrl } = (item ?? {}) as Record<string, unknown>
    if (typeof name !== 'string' || !KINDS.has(kind as string)) throw new ChatRefusal(400, 'Each attachment needs a name and a kind (text, image or audio).')
    if (text !== undefined && typeof text !== 'string') throw new ChatRefusal(400, `The text of ${name} must be a string.`)
    if (dataUrl !== undefined && (typeof dataUrl !== 'string' || !dataUrl.startsWith('data:image/'))) throw new ChatRefusal(400, `The dataUrl of ${name} must be an image data: URL.`)
    const attachment: Attachment = { name: name.slice(0, 255), kind: kind as Attachment['kind'] }
    if (text) attachment.text = text
    if (dataUrl) attachment.dataUrl = dataUrl
    attachment.tokens = text ? countTokens(text) : 0
    return attachment
  })
}

/** The message text with each attached file's text after it, fenced and named. */
export function userText(turn: Turn): string {
  const files = (turn.attachments ?? []).filter((a) => a.text)
  return [turn.content, ...files.map((a) => `File: ${a.name}\n\`\`\`\n${a.text}\n\`\`\``)].filter(Boolean).join('\n\n')
}

function messageOf(turn: Turn, vision: boolean): OpenAIMessage {
  if (turn.role === 'assistant') return { role: 'assistant', content: turn.content }
  const text = userText(turn)
  const images = vision ? (turn.attachments ?? []).filter((a) => a.kind === 'image' && a.dataUrl) : []
  if (images.length === 0) return { role: 'user', content: text }
  const parts: ContentPart[] = [{ type: 'text', text }, ...images.map((a) => ({ type: 'image_url', image_url: { url: a.dataUrl! } }))]
  return { role: 'user', content: parts }
}

/** An answer that failed before any text has nothing to say, and providers refuse empty messages. */
const hasSomething = (turn: Turn) => turn.role === 'user' || turn.content.trim() !== ''

export function modelMessages({ systemRole, turns, vision }: { systemRole?: string | null; turns: Turn[]; vision: boolean }): OpenAIMessage[] {
  const system: OpenAIMessage[] = systemRole?.trim() ? [{ role: 'system', content: systemRole }] : []
  return [...system, ...turns.filter(hasSomething).map((turn) => messageOf(turn, vision))]
}

export function promptTokens(messages: OpenAIMessage[]): number {
  let total = 0
  for (const message of messages) {
    total += PER_MESSAGE_TOKENS
    if (typeof message.content === 'string') total += countTokens(message.content)
    else for (const part of message.content ?? []) total += part.type === 'text' ? countTokens(String(part.text)) : IMAGE_TOKENS
  }
  return total
}

/** Refuses a prompt the model cannot read whole; a model without a known window takes anything. */
export function assertFitsContext(messages: OpenAIMessage[], model: { name: string; contextWindow: number | null }) {
  if (!model.contextWindow) return
  const tokens = promptTokens(messages)
  if (tokens > model.contextWindow) {
    throw new ChatRefusal(
      400,
      `This conversation and its files come to about ${tokens} tokens, more than the ${model.contextWindow} that ${model.name} can read. Remove a file, shorten the message or start a new conversation.`,
      'context_length_exceeded',
    )
  }
}
