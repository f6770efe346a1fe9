import { describe, expect, it } from '@jest/globals'

import { DemoAdapter, demoReply, replyPieces } from '../../src/relay/adapters/demo'
import { ClientSignal } from '../../src/relay/client-signal'
import type { ChatCompletionChunk, ChatCompletionRequest, ChatResult } from '../../src/relay/types'

const adapter = new DemoAdapter(0)

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'modelgate-demo',
  messages: [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: 'Summarise the quarterly report, please.' },
  ],
  ...extra,
})

async function collect(result: ChatResult): Promise<ChatCompletionChunk[]> {
  if (!result.stream) throw new Error('expected a stream')
  const chunks: ChatCompletionChunk[] = []
  for await (const chunk of result.chunks) chunks.push(chunk)
  return chunks
}

describe('demo upstream', () => {
  it('answers from the last user message, the same way every time', () => {
    const reply = demoReply(request())
    expect(reply).toContain('"Summarise the quarterly report, please."')
    expect(demoReply(request())).toBe(reply)
  })

  it('reads text parts and counts images of multimodal messages', () => {
    const reply = demoReply(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
              { type: 'text', text: 'this picture?' },
            ],
          },
        ],
      }),
    )
    expect(reply).toContain('What is in this picture?')
    expect(reply).toContain('You attached 1 image.')
  })

  it('returns an OpenAI chat.completion without streaming', async () => {
    const result = await adapter.chat(request())
    if (result.stream) throw new Error('expected a completion')
    const { completion } = result
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'modelgate-demo' })
    expect(completion.id).toMatch(/^chatcmpl-demo-/)
    expect(completion.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: demoReply(request()) } })
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens)
  })

  it('streams the same text in pieces: role first, finish_reason last', async () => {
    const chunks = await collect(await adapter.chat(request({ stream: true })))
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' })
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop')
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe(demoReply(request()))
    expect(chunks.length).toBe(replyPieces(text).length + 2)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id)).toBe(true)
  })

  it('adds a final usage chunk when stream_options.include_usage is set', async () => {
    const chunks = await collect(await adapter.chat(request({ stream: true, stream_options: { include_usage: true } })))
    const last = chunks.at(-1)!
    expect(last.choices).toEqual([])
    expect(last.usage!.completion_tokens).toBe(replyPieces(demoReply(request())).length)
    expect(chunks.slice(0, -1).every((c) => c.usage === undefined)).toBe(true)
  })

  it('stops at max_tokens with finish_reason "length"', async () => {
    const result = await adapter.chat(request({ max_tokens: 3 }))
    if (result.stream) throw new Error('expected a completion')
    expect(replyPieces(result.completion.choices[0]!.message.content)).toHaveLength(3)
    expect(result.completion.choices[0]!.finish_reason).toBe('length')
    expect(result.completion.usage.completion_tokens).toBe(3)
  })

  it('stops streaming when the caller aborts', async () => {
    const controller = new AbortController()
    const result = await new DemoAdapter(5).chat(request({ stream: true }), { signal: controller.signal })
    if (!result.stream) throw new Error('expected a stream')
    const seen: string[] = []
    await expect(
      (async () => {
        for await (const chunk of result.chunks) {
          seen.push(chunk.choices[0]?.delta.content ?? '')
          if (seen.length === 3) controller.abort()
        }
      })(),
    ).rejects.toThrow(/abort/i)
    expect(seen).toHaveLength(3)
  })

  it('stops at once when the client goes away between pieces, not after the pause', async () => {
    const signal = new ClientSignal()
    const result = await new DemoAdapter(60_000).chat(request({ stream: true }), { signal })
    if (!result.stream) throw new Error('expected a stream')
    const chunks = result.chunks[Symbol.asyncIterator]()
    const first = await chunks.next()
    expect(first.value?.choices[0]?.delta.role).toBe('assistant')
    const next = chunks.next()
    signal.abort()
    await expect(next).rejects.toThrow(/abort/i)
  })
})
