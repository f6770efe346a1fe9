import { describe, expect, it } from '@jest/globals'

import { ChatRefusal } from '../../src/chat/errors'
import { assertFitsContext, IMAGE_TOKENS, modelMessages, promptTokens, readAttachments, userText } from '../../src/chat/prompt'

const image = { name: 'p.png', kind: 'image' as const, text: 'ocr', dataUrl: 'data:image/png;base64,AAAA' }

describe('what the model is sent', () => {
  it('puts the system role first, appends file texts to the question and drops empty answers', () => {
    const messages = modelMessages({
      systemRole: 'Be brief.',
      vision: false,
      turns: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Q2', attachments: [{ name: 'a.txt', kind: 'text', text: 'file body' }, image] },
      ],
    })
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'user'])
    expect(messages[2]!.content).toBe('Q2\n\nFile: a.txt\n```\nfile body\n```\n\nFile: p.png\n```\nocr\n```')
  })

  it('sends images as parts to a vision model only', () => {
    const turns = [{ role: 'user' as const, content: 'Look', attachments: [image] }]
    expect(modelMessages({ turns, vision: true })[0]!.content).toEqual([
      { type: 'text', text: userText(turns[0]!) },
      { type: 'image_url', image_url: { url: image.dataUrl } },
    ])
    expect(typeof modelMessages({ turns, vision: false })[0]!.content).toBe('string')
  })

  it('counts tokens of text and a fixed amount per image', () => {
    const text = promptTokens([{ role: 'user', content: 'hello world' }])
    const withImage = promptTokens([{ role: 'user', content: [{ type: 'text', text: 'hello world' }, { type: 'image_url', image_url: { url: 'x' } }] }])
    expect(withImage - text).toBe(IMAGE_TOKENS)
  })

  it('refuses a prompt over the context window with 400 and takes any prompt when the window is unknown', () => {
    const messages = [{ role: 'user' as const, content: 'word '.repeat(100) }]
    expect(() => assertFitsContext(messages, { name: 'm', contextWindow: 50 })).toThrow(ChatRefusal)
    try {
      assertFitsContext(messages, { name: 'm', contextWindow: 50 })
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' })
    }
    expect(() => assertFitsContext(messages, { name: 'm', contextWindow: null })).not.toThrow()
    expect(() => assertFitsContext(messages, { name: 'm', contextWindow: 1000 })).not.toThrow()
  })
})

describe('attachments', () => {
  it('keeps name, kind, text and image, counting the text tokens', () => {
    const [a, b] = readAttachments([{ name: 'a.txt', kind: 'text', text: 'hello world', extra: 1 }, image])
    expect(a).toEqual({ name: 'a.txt', kind: 'text', text: 'hello world', tokens: 2 })
    expect(b).toMatchObject({ name: 'p.png', kind: 'image', dataUrl: image.dataUrl })
    expect(readAttachments(undefined)).toEqual([])
  })

  it.each([[{ kind: 'text' }], [{ name: 'x', kind: 'video' }], [{ name: 'x', kind: 'image', dataUrl: 'https://example.com/x.png' }], [{ name: 'x', kind: 'text', text: 5 }]])('refuses %j', (bad) => {
    expect(() => readAttachments([bad])).toThrow(ChatRefusal)
  })
})
