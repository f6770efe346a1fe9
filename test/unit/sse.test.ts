import { describe, expect, it } from '@jest/globals'

import { createSseParser, formatSse, type SseEvent } from '../../src/relay/sse'

const encoder = new TextEncoder()

/** Parses `chunks` in order and returns every event, including the one `end()` may deliver. */
function parse(chunks: (Uint8Array | string)[]): SseEvent[] {
  const events: SseEvent[] = []
  const parser = createSseParser((event) => events.push(event))
  for (const chunk of chunks) parser.push(chunk)
  parser.end()
  return events
}

function bytewise(text: string): Uint8Array[] {
  return [...encoder.encode(text)].map((byte) => Uint8Array.of(byte))
}

/** A small seeded generator (mulberry32), so a failing split can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomSplit(bytes: Uint8Array, next: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  let start = 0
  while (start < bytes.length) {
    const size = 1 + Math.floor(next() * 12)
    chunks.push(bytes.subarray(start, start + size))
    start += size
  }
  return chunks
}

const openAIStream = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Grüße, 世界 🙂"},"finish_reason":null}]}',
  '',
  ': keep-alive',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n')

const anthropicStream = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[]}}',
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"¡Hola! ✨"}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\r\n')

const openAIEvents: SseEvent[] = openAIStream
  .split('\n\n')
  .filter((block) => block.startsWith('data: '))
  .map((block) => ({ data: block.slice('data: '.length) }))

const anthropicEvents: SseEvent[] = [
  {
    event: 'message_start',
    data: '{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[]}}',
  },
  { event: 'ping', data: '{"type": "ping"}' },
  {
    event: 'content_block_delta',
    data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"¡Hola! ✨"}}',
  },
  { event: 'message_stop', data: '{"type":"message_stop"}' },
]

describe('createSseParser', () => {
  it('reads whole OpenAI and Anthropic streams', () => {
    expect(parse([openAIStream])).toEqual(openAIEvents)
    expect(parse([encoder.encode(anthropicStream)])).toEqual(anthropicEvents)
  })

  it('gives the same events when the stream arrives one byte at a time', () => {
    expect(parse(bytewise(openAIStream))).toEqual(openAIEvents)
    expect(parse(bytewise(anthropicStream))).toEqual(anthropicEvents)
  })

  it('gives the same events whatever the chunk boundaries', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed)
      expect(parse(randomSplit(encoder.encode(openAIStream), next))).toEqual(openAIEvents)
      expect(parse(randomSplit(encoder.encode(anthropicStream), next))).toEqual(anthropicEvents)
    }
  })

  it('keeps characters whole when a chunk ends inside their UTF-8 bytes', () => {
    const text = 'data: 日本語 😀 é\n\n'
    const bytes = encoder.encode(text)
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([{ data: '日本語 😀 é' }])
    }
  })

  it.each<[string, string[], SseEvent[]]>([
    [
      'accepts LF, CRLF and CR line endings, mixed in one stream',
      ['data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\r\n\n'],
      [{ data: 'a' }, { data: 'b' }, { data: 'c' }, { data: 'd' }],
    ],
    [
      'treats a CRLF split between chunks as one line ending',
      ['data: a\r', '\ndata: b\r', '\n\r', '\n'],
      [{ data: 'a\nb' }],
    ],
    ['remembers a trailing CR across an empty chunk', ['data: a\r', '', '\n', '\n'], [{ data: 'a' }]],
    [
      'takes two CRs in separate chunks as two line endings',
      ['data: a\r', '\r', 'data: b\r\n', '\r\n'],
      [{ data: 'a' }, { data: 'b' }],
    ],
    [
      'joins the lines of a multi-line data field with LF',
      ['data: {\ndata:   "a": 1\ndata: }\n\n'],
      [{ data: '{\n  "a": 1\n}' }],
    ],
    [
      'reads the event type and forgets it after each event',
      ['event: delta\ndata: 1\n\ndata: 2\n\nevent: ignored\n\ndata: 3\n\n'],
      [{ event: 'delta', data: '1' }, { data: '2' }, { data: '3' }],
    ],
    [
      'skips comments, unknown fields and blank lines without data',
      [': hello\nid: 7\nretry: 1000\nfoo: bar\n\n\n\n:ping\ndata: x\n\n'],
      [{ data: 'x' }],
    ],
    [
      'strips exactly one space after the colon and takes a field without one as empty',
      ['data:no-space\n\ndata:  two\n\ndata\n\ndata:\n\n'],
      [{ data: 'no-space' }, { data: ' two' }, { data: '' }, { data: '' }],
    ],
    [
      'delivers a last event that the stream did not end with a blank line',
      ['data: a\n\nevent: last\ndata: b'],
      [{ data: 'a' }, { event: 'last', data: 'b' }],
    ],
    ['delivers a last event that ends with a single line ending', ['data: a\ndata: b\n'], [{ data: 'a\nb' }]],
    ['delivers nothing for a last event without data', ['event: only-a-type\n'], []],
  ])('%s', (_, chunks, expected) => {
    expect(parse(chunks)).toEqual(expected)
  })

  it('delivers each event as soon as its blank line arrives', () => {
    const events: SseEvent[] = []
    const parser = createSseParser((event) => events.push(event))
    parser.push('data: one\n')
    expect(events).toEqual([])
    parser.push('\ndata: tw')
    expect(events).toEqual([{ data: 'one' }])
    parser.push('o\n\n')
    expect(events).toEqual([{ data: 'one' }, { data: 'two' }])
  })

  it('skips the byte order mark at the start of a byte stream', () => {
    expect(parse([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), encoder.encode('data: x\n\n')])).toEqual([
      { data: 'x' },
    ])
  })

  it('reads a long stream of small chunks', () => {
    const events: SseEvent[] = []
    const parser = createSseParser((event) => events.push(event))
    for (let i = 0; i < 10_000; i++) parser.push(encoder.encode(`data: {"i":${i}}\n\n`))
    parser.end()
    expect(events).toHaveLength(10_000)
    expect(events[9_999]).toEqual({ data: '{"i":9999}' })
  })
})

describe('formatSse', () => {
  it('writes data and an optional event type, ended by a blank line', () => {
    expect(formatSse('{"a":1}')).toBe('data: {"a":1}\n\n')
    expect(formatSse('{"type":"ping"}', 'ping')).toBe('event: ping\ndata: {"type":"ping"}\n\n')
    expect(formatSse('')).toBe('data: \n\n')
  })

  it('splits data with line breaks across data lines', () => {
    expect(formatSse('a\nb\r\nc\rd', 'x')).toBe('event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n')
  })

  it('writes what the parser reads back', () => {
    const sent: SseEvent[] = [
      { event: 'message_start', data: '{"type":"message_start"}' },
      { data: 'line one\nline two' },
      { data: '' },
      { event: 'message_stop', data: ' leading space' },
    ]
    const text = sent.map((event) => formatSse(event.data, event.event)).join('')
    expect(parse(bytewise(text))).toEqual(sent)
  })
})
