import { describe, expect, it } from '@jest/globals'

import { sseParser } from '../../src/chat-app/chat/stream'

describe('chat app: server-sent events', () => {
  it('yields each data block once complete, across chunk boundaries', () => {
    const parse = sseParser()
    expect(parse('data: {"type":"delta","te')).toEqual([])
    expect(parse('xt":"Hel"}\n\ndata: {"type":"delta","text":"lo"}\r\n\r\n: keep-alive\n\ndata: [DONE]\n\n')).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo' },
    ])
  })

  it('joins multi-line data and skips what is not JSON', () => {
    const parse = sseParser()
    expect(parse('event: x\ndata: {"type":\ndata: "title","title":"T"}\n\ndata: nope\n\n')).toEqual([{ type: 'title', title: 'T' }])
  })
})
