/**
 * Server-Sent Events as upstreams send them and clients expect them (WHATWG "event stream"
 * format). The parser is incremental: it keeps only the unfinished line and the fields of the
 * unfinished event, so a long stream costs no more memory than its largest event.
 */

export type SseEvent = { event?: string; data: string }

export type SseParser = {
  push(chunk: Uint8Array | string): void
  /** Flushes the decoder and delivers a last event that the stream did not close with a blank line. */
  end(): void
}

const LF = 10
const CR = 13
const COLON = 58
const SPACE = 32

export function createSseParser(onEvent: (e: SseEvent) => void): SseParser {
  // `stream: true` holds back the bytes of a character split across chunks until the rest arrives.
  const decoder = new TextDecoder('utf-8')
  let partialLine = ''
  // A chunk that ends in CR may be half of a CRLF; the LF that starts the next chunk is not a new line.
  let skipLeadingLF = false
  let eventType: string | undefined
  let data: string[] = []

  function dispatch() {
    if (data.length > 0) {
      const joined = data.join('\n')
      onEvent(eventType === undefined ? { data: joined } : { event: eventType, data: joined })
    }
    eventType = undefined
    data = []
  }

  function processLine(line: string) {
    if (line === '') return dispatch()
    if (line.charCodeAt(0) === COLON) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === SPACE) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') eventType = value
  }

  function feed(text: string) {
    if (text === '') return
    let start = skipLeadingLF && text.charCodeAt(0) === LF ? 1 : 0
    skipLeadingLF = false
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c !== LF && c !== CR) continue
      processLine(partialLine + text.slice(start, i))
      partialLine = ''
      if (c === CR) {
        if (i + 1 === text.length) skipLeadingLF = true
        else if (text.charCodeAt(i + 1) === LF) i++
      }
      start = i + 1
    }
    partialLine += text.slice(start)
  }

  return {
    push(chunk) {
      feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    },
    end() {
      feed(decoder.decode())
      if (partialLine !== '') processLine(partialLine)
      partialLine = ''
      dispatch()
    },
  }
}

/** One event ready to write; each line of `data` becomes its own `data:` line, as the format requires. */
export function formatSse(data: string, event?: string): string {
  const lines = data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('')
  return event === undefined ? `${lines}\n` : `event: ${event}\n${lines}\n`
}
