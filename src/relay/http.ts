import { Pool } from 'undici'
import type { Dispatcher } from 'undici'

import type { CallSignal } from './client-signal'

/**
 * One keep-alive connection pool per upstream origin, shared by every request to it. Timeouts:
 * connect (TCP+TLS), first byte (response headers), idle (silence between body chunks).
 */
export type Timeouts = { connectMs: number; firstByteMs: number; idleMs: number }

const pools = new Map<string, Pool>()

function poolFor(origin: string, connectMs: number): Pool {
  let pool = pools.get(origin)
  if (!pool) {
    pool = new Pool(origin, { connections: 256, pipelining: 1, connect: { timeout: connectMs }, keepAliveTimeout: 30_000 })
    pools.set(origin, pool)
  }
  return pool
}

export type UpstreamResponse = Dispatcher.ResponseData

export function sendUpstream(args: {
  url: string
  headers: Record<string, string>
  body?: string | Buffer | NodeJS.ReadableStream
  signal: CallSignal
  timeouts: Timeouts
  method?: 'POST' | 'GET'
}): Promise<UpstreamResponse> {
  const url = new URL(args.url)
  return poolFor(url.origin, args.timeouts.connectMs).request({
    path: url.pathname + url.search,
    method: args.method ?? 'POST',
    headers: args.headers,
    body: args.body as Dispatcher.DispatchOptions['body'],
    signal: args.signal,
    headersTimeout: args.timeouts.firstByteMs,
    bodyTimeout: args.timeouts.idleMs,
  })
}

/**
 * Reads at most `limit` bytes of a body (the rest is drained), e.g. an error enough to judge it.
 * Events rather than `for await`: every answer passes here, and the async iterator costs more.
 */
export function readBoundedBytes(body: UpstreamResponse['body'], limit = 64 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    body.on('data', (chunk: Buffer) => {
      if (size < limit) parts.push(chunk)
      size += chunk.length
    })
    body.once('error', reject)
    body.once('end', () => resolve((parts.length === 1 ? parts[0]! : Buffer.concat(parts)).subarray(0, limit)))
  })
}

export async function readBounded(body: UpstreamResponse['body'], limit = 64 * 1024): Promise<string> {
  return (await readBoundedBytes(body, limit)).toString('utf8')
}

export async function closeUpstreamPools() {
  await Promise.all([...pools.values()].map((pool) => pool.close()))
  pools.clear()
}
