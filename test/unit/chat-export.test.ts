import { describe, expect, it } from '@jest/globals'

import { attachmentDisposition, toJson, toMarkdown } from '../../src/chat/export'
import type { Conversation, Message } from '../../src/payload-types'

const conversation = { id: 'c1', title: '潮汐 / tides', owner: 'u1', model: 'm', systemRole: 'Be brief.\nAlways.', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' } as Conversation
const message = (data: Partial<Message>) => ({ conversation: 'c1', owner: 'u1', status: 'done', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '', ...data }) as Message
const messages = [
  message({ id: 'm1', role: 'user', content: 'Why?', attachments: [{ name: 'a.txt', kind: 'text', text: 'secret body', tokens: 2 }] }),
  message({ id: 'm2', role: 'assistant', content: 'Because', model: 'm', status: 'stopped', usage: { promptTokens: 1, completionTokens: 1 }, charge: 5 }),
]

describe('export', () => {
  it('writes Markdown with the system role, the turns, file names and unfinished answers marked', () => {
    const md = toMarkdown(conversation, messages)
    expect(md).toBe(
      ['# 潮汐 / tides', '', '> System: Be brief.\n> Always.', '', '## User', '', 'Why?', '', 'Attachments: a.txt', '', '## Assistant (m)', '', 'Because', '', '_(stopped)_', ''].join('\n'),
    )
  })

  it('writes JSON without the files’ contents', () => {
    const json = JSON.parse(toJson(conversation, messages))
    expect(json.messages[0].attachments).toEqual([{ name: 'a.txt', kind: 'text', tokens: 2 }])
    expect(json.messages[1]).toMatchObject({ status: 'stopped', charge: 5, usage: { promptTokens: 1, completionTokens: 1 } })
    expect(JSON.stringify(json)).not.toContain('secret body')
  })

  it('names the file after the title, with an ASCII fallback', () => {
    expect(attachmentDisposition(conversation.title, 'md')).toBe(`attachment; filename="_ tides.md"; filename*=UTF-8''${encodeURIComponent('潮汐 tides.md')}`)
    expect(attachmentDisposition('', 'json')).toContain('filename="conversation.json"')
  })
})
