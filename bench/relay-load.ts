/**
 * The relay benchmark's load generator: undici pools sized to the concurrency, closed-loop
 * clients, and a stream reader that checks every chunk arrived, in order, and times it.
 */
import { performance } from 'node:perf_hooks'

import { Pool } from 'undici'

/** Wall-clock ms since an epoch shared with the mock upstream (BENCH_EPOCH), sub-ms resolution. */
export const EPOCH = Math.floor(performance.timeOrigin)
export const now = () => performance.timeOrigin + performance.now() - EPOCH

export type Target = {
  name: string
  origin: string
  path: string
  headers: Record<string, string>
  pid: number
  /** Requests sent to it, all phases included (the relay logs one usage row per request). */
  sent: number
}

/** What the mock answers to a non-stream request; a response without it did not come from the mock. */
const COMPLETION_MARK = 'Hello from the benchmark upstream.'

export function chatBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say hello in one short sentence.' },
    ],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  })
}

export function newPool(target: Target, connections: number): Pool {
  return new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 })
}

/** One non-stream completion; resolves to its latency in ms, throws on anything but the mock's answer. */
export async function completion(pool: Pool, target: Target, body: string): Promise<number> {
  const started = performance.now()
  target.sent++
  const res = await pool.request({ path: target.path, method: 'POST', headers: target.headers, body })
  const text = await res.body.text()
  const ms = performance.now() - started
  if (res.statusCode !== 200 || !text.includes(COMPLETION_MARK)) {
    throw new Error(`${target.name}: HTTP ${res.statusCode} ${text.slice(0, 300)}`)
  }
  return ms
}

export type LoopResult = { completed: number; errors: number; firstError?: string; latencies: number[]; seconds: number }

/**
 * `concurrency` clients, each sending its next request as soon as the last one answered, for
 * `warmMs + measureMs`; only answers that arrive in the measured window count. `atWindow` runs
 * when the window opens and closes (to read CPU counters).
 */
export async function closedLoop(
  target: Target,
  { concurrency, warmMs, measureMs, body, atWindow }: { concurrency: number; warmMs: number; measureMs: number; body: string; atWindow?: (edge: 'open' | 'close') => void },
): Promise<LoopResult> {
  const pool = newPool(target, concurrency)
  const start = performance.now()
  const open = start + warmMs
  const close = open + measureMs
  const result: LoopResult = { completed: 0, errors: 0, latencies: [], seconds: measureMs / 1000 }
  const openTimer = setTimeout(() => atWindow?.('open'), warmMs)
  let closed = false
  const closeTimer = setTimeout(() => {
    closed = true
    atWindow?.('close')
  }, warmMs + measureMs)
  const client = async () => {
    while (performance.now() < close) {
      try {
        const ms = await completion(pool, target, body)
        const at = performance.now()
        if (at >= open && at <= close) {
          result.completed++
          result.latencies.push(ms)
        }
      } catch (error) {
        result.errors++
        result.firstError ??= (error as Error).message
        // A failing target must not spin the loop flat out.
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client))
  clearTimeout(openTimer)
  clearTimeout(closeTimer)
  // The last answer can end the loop before the timer's turn comes: the window still closes.
  if (!closed) atWindow?.('close')
  await pool.destroy()
  return result
}

export type StreamResult = {
  ok: boolean
  error?: string
  /** From sending the request to the first body bytes (the mock's first chunk). */
  ttfbMs: number
  /** How long each content chunk took from the mock's write to arriving here, in ms. */
  chunkMs: number[]
  contentChunks: number
  lostChunks: number
}

const CONTENT = /"content":"(\d+)@([\d.]+) "/

/**
 * Reads one stream and checks it whole: every numbered content chunk in order, the finish chunk,
 * the usage chunk and `[DONE]`. Anything missing counts as lost.
 */
export async function stream(pool: Pool, target: Target, body: string, expectedChunks: number, signal?: AbortSignal): Promise<StreamResult> {
  const result: StreamResult = { ok: false, ttfbMs: NaN, chunkMs: [], contentChunks: 0, lostChunks: 0 }
  let finish = false
  let usage = false
  let done = false
  let next = 0
  const started = now()
  target.sent++
  try {
    const res = await pool.request({ path: target.path, method: 'POST', headers: target.headers, body, signal })
    if (res.statusCode !== 200) {
      result.error = `HTTP ${res.statusCode} ${(await res.body.text()).slice(0, 300)}`
      result.lostChunks = expectedChunks
      return result
    }
    let buffer = ''
    for await (const part of res.body) {
      const at = now()
      if (Number.isNaN(result.ttfbMs)) result.ttfbMs = at - started
      buffer += (part as Buffer).toString('utf8')
      let end
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (event === 'data: [DONE]') {
          done = true
          continue
        }
        const content = CONTENT.exec(event)
        if (content) {
          const seq = Number(content[1])
          if (seq !== next) {
            result.error ??= `chunk ${seq} arrived when ${next} was expected`
            if (seq < next) continue
          }
          next = seq + 1
          result.contentChunks++
          result.chunkMs.push(at - Number(content[2]))
        } else if (event.includes('"finish_reason":"stop"')) finish = true
        else if (event.includes('"usage"')) usage = true
      }
    }
  } catch (error) {
    result.error ??= (error as Error).message
  }
  result.lostChunks = expectedChunks - result.contentChunks + (finish ? 0 : 1) + (usage ? 0 : 1) + (done ? 0 : 1)
  if (result.lostChunks > 0) result.error ??= `${result.lostChunks} chunk(s) missing (finish ${finish}, usage ${usage}, [DONE] ${done})`
  result.ok = result.lostChunks === 0 && result.error === undefined
  return result
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length
}
