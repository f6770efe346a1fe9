import { createHash } from 'node:crypto'

import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  ChatResult,
  UpstreamAdapter,
  Usage,
} from '../types'
import type { CallSignal } from '../client-signal'

/**
 * The `demo` upstream: answers on this machine with no provider and no network, so a fresh
 * install can chat at once. The reply depends only on the request, which makes it usable in tests.
 */

const EXCERPT_LENGTH = 280

/** Waits `ms`, or less when the client goes away meanwhile. */
function pause(ms: number, signal?: CallSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

function textOf(message: ChatMessage | undefined): string {
  if (!message?.content) return ''
  if (typeof message.content === 'string') return message.content
  return message.content
    .map((part) => (part.type === 'text' ? String((part as { text: string }).text) : ''))
    .join(' ')
}

function imagesIn(message: ChatMessage | undefined): number {
  if (!message || !Array.isArray(message.content)) return 0
  return message.content.filter((part) => part.type === 'image_url').length
}

/** A rough count with the usual four-characters-a-token rule; the demo has no tokenizer. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4)
}

export function demoReply(request: ChatCompletionRequest): string {
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')
  const said = textOf(lastUser).replace(/\s+/g, ' ').trim()
  const excerpt = said.length > EXCERPT_LENGTH ? `${said.slice(0, EXCERPT_LENGTH)}…` : said
  const images = imagesIn(lastUser)
  const parts = [
    'This is the Modelgate demo model, answering offline.',
    said ? `You wrote ${said.length} characters: "${excerpt}"` : 'Your message had no text.',
    images ? `You attached ${images} image${images === 1 ? '' : 's'}.` : '',
    `This conversation has ${request.messages.length} message${request.messages.length === 1 ? '' : 's'}.`,
    'Connect a real provider in the admin panel to get real answers.',
  ]
  return parts.filter(Boolean).join(' ')
}

/** Words with their trailing space, so joining the pieces gives back the reply exactly. */
export function replyPieces(reply: string): string[] {
  return reply.match(/\S+\s*/g) ?? []
}

function usageOf(request: ChatCompletionRequest, reply: string): Usage {
  const prompt = request.messages.reduce((sum, m) => sum + estimateTokens(textOf(m)) + 4, 0)
  const completion = replyPieces(reply).length
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

function completionId(request: ChatCompletionRequest): string {
  const digest = createHash('sha256').update(JSON.stringify([request.model, request.messages])).digest('hex')
  return `chatcmpl-demo-${digest.slice(0, 24)}`
}

/** Stops at `max_tokens` pieces, the way a real model stops with finish_reason "length". */
function truncate(request: ChatCompletionRequest, reply: string) {
  const pieces = replyPieces(reply)
  const limit = request.max_tokens && request.max_tokens > 0 ? request.max_tokens : Infinity
  const kept = pieces.slice(0, limit)
  return { text: kept.join(''), finishReason: kept.length < pieces.length ? ('length' as const) : ('stop' as const) }
}

export class DemoAdapter implements UpstreamAdapter {
  readonly kind = 'demo'

  /** @param pieceDelayMs pause between streamed pieces, so people see the answer arrive */
  constructor(private readonly pieceDelayMs = 15) {}

  async chat(request: ChatCompletionRequest, options: { signal?: CallSignal } = {}): Promise<ChatResult> {
    const { text, finishReason } = truncate(request, demoReply(request))
    const usage = usageOf(request, text)
    const id = completionId(request)
    const created = Math.floor(Date.now() / 1000)

    if (!request.stream) {
      const completion: ChatCompletion = {
        id,
        object: 'chat.completion',
        created,
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
        usage,
      }
      return { stream: false, completion }
    }

    const delay = this.pieceDelayMs
    const includeUsage = request.stream_options?.include_usage === true
    const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: request.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    })

    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk({ role: 'assistant', content: '' })
      for (const piece of replyPieces(text)) {
        if (delay > 0) await pause(delay, options.signal)
        options.signal?.throwIfAborted()
        yield chunk({ content: piece })
      }
      yield chunk({}, finishReason)
      if (includeUsage) yield { id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage }
    }
    return { stream: true, chunks: chunks() }
  }
}
