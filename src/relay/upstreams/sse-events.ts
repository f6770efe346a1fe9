import type { UpstreamResponse } from '../http'
import { createSseParser, type SseEvent } from '../sse'

/** The SSE events of an upstream body, as they arrive, holding only the current event in memory. */
export async function* sseEvents(body: UpstreamResponse['body']): AsyncGenerator<SseEvent> {
  const ready: SseEvent[] = []
  const parser = createSseParser((event) => ready.push(event))
  for await (const chunk of body) {
    parser.push(chunk as Buffer)
    while (ready.length) yield ready.shift()!
  }
  parser.end()
  while (ready.length) yield ready.shift()!
}
