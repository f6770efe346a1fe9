import { errorOf } from '../api'
import type { Conversation, Message } from '../types'

/** The events of `/api/chat/send`, `/regenerate` and `/edit` (docs/chat-api.md). */
export type ChatEvent =
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'user' | 'assistant' | 'done'; message: Message }
  | { type: 'delta'; text: string }
  | { type: 'title'; title: string }
  | { type: 'error'; message: string; code?: string }

/** Splits server-sent events as chunks arrive; each `data:` block is one JSON event. */
export function sseParser(): (chunk: string) => ChatEvent[] {
  let buffer = ''
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, '\n')
    const events: ChatEvent[] = []
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n')
      if (!data || data === '[DONE]') continue
      try {
        events.push(JSON.parse(data) as ChatEvent)
      } catch {
        // A comment or keep-alive that is not ours: nothing to show.
      }
    }
    return events
  }
}

/**
 * POSTs and calls `onEvent` for every event until the stream ends; a refusal before streaming
 * (a JSON error) throws an ApiError. Aborting `signal` is how the answer is stopped.
 */
export async function postStream(path: string, body: unknown, signal: AbortSignal, onEvent: (event: ChatEvent) => void): Promise<void> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  })
  if (!res.ok || !res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
    const parsed = await res.json().catch(() => null)
    throw errorOf(parsed, res.status)
  }
  const parse = sseParser()
  const decoder = new TextDecoder()
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    for (const event of parse(decoder.decode(value, { stream: true }))) onEvent(event)
  }
}
