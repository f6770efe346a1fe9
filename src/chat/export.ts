import type { Conversation, Message } from '../payload-types'
import type { Attachment } from './prompt'

/** A conversation as a file to keep: Markdown to read, JSON to process. */

export type ExportFormat = 'md' | 'json'

export const EXPORT_FORMATS: Record<ExportFormat, { contentType: string }> = {
  md: { contentType: 'text/markdown; charset=utf-8' },
  json: { contentType: 'application/json; charset=utf-8' },
}

const attachmentsOf = (message: Message) => (Array.isArray(message.attachments) ? (message.attachments as Attachment[]) : [])

const STATUS_NOTE: Partial<Record<Message['status'], string>> = {
  stopped: '_(stopped)_',
  failed: '_(failed)_',
  streaming: '_(still being written)_',
}

export function toMarkdown(conversation: Conversation, messages: Message[]): string {
  const lines = [`# ${conversation.title}`, '']
  if (conversation.systemRole?.trim()) lines.push(`> System: ${conversation.systemRole.trim().replace(/\n/g, '\n> ')}`, '')
  for (const message of messages) {
    const who = message.role === 'user' ? 'User' : `Assistant${message.model ? ` (${message.model})` : ''}`
    lines.push(`## ${who}`, '')
    if (message.content) lines.push(message.content, '')
    const files = attachmentsOf(message).map((a) => a.name)
    if (files.length > 0) lines.push(`Attachments: ${files.join(', ')}`, '')
    const note = STATUS_NOTE[message.status]
    if (note) lines.push(message.error ? `${note} ${message.error}` : note, '')
  }
  return lines.join('\n')
}

/** Files keep their names, kinds and sizes; their contents stay out of the export. */
export function toJson(conversation: Conversation, messages: Message[]): string {
  return JSON.stringify(
    {
      id: conversation.id,
      title: conversation.title,
      model: conversation.model ?? null,
      systemRole: conversation.systemRole ?? null,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
      messages: messages.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content ?? '',
        status: m.status,
        error: m.error ?? null,
        model: m.model ?? null,
        attachments: attachmentsOf(m).map(({ name, kind, tokens }) => ({ name, kind, tokens: tokens ?? 0 })),
        usage: m.usage ?? null,
        charge: m.charge ?? 0,
        createdAt: m.createdAt,
      })),
    },
    null,
    2,
  )
}

/** `Content-Disposition` with the title as the name: an ASCII fallback and the UTF-8 original. */
export function attachmentDisposition(title: string, format: ExportFormat): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f\s]+/g, ' ').trim().slice(0, 80) || 'conversation'
  const ascii = base.replace(/[^\x20-\x7e]+/g, '_').replace(/"/g, '')
  return `attachment; filename="${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(`${base}.${format}`)}`
}
