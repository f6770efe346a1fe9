/**
 * The benchmark's "limit": the least a Node proxy can do. A node:http server that reads the
 * request body, sends it unchanged to the upstream with undici (the client the relay uses, here
 * with no cap on connections) and pipes the answer back as it arrives. No auth, no parsing, no
 * logging. Run in its own process; prints `{"port":N}` once listening; exits when stdin closes.
 *
 *   UPSTREAM=http://127.0.0.1:<port> node --import tsx bench/relay-bare-proxy.ts
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream/promises'

import { Agent } from 'undici'

const upstream = new URL(process.env.UPSTREAM ?? 'http://127.0.0.1:8080')
const agent = new Agent({ pipelining: 1, keepAliveTimeout: 30_000 })
const PASSED_REQUEST_HEADERS = ['content-type', 'authorization', 'accept']
const PASSED_RESPONSE_HEADERS = ['content-type', 'content-length', 'cache-control']

const server = createServer((req, res) => {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', async () => {
    const headers: Record<string, string> = {}
    for (const name of PASSED_REQUEST_HEADERS) {
      const value = req.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) abort.abort()
    })
    try {
      const answer = await agent.request({
        origin: upstream.origin,
        path: req.url ?? '/',
        method: (req.method ?? 'POST') as 'POST',
        headers,
        body: Buffer.concat(parts),
        signal: abort.signal,
      })
      const out: Record<string, string> = {}
      for (const name of PASSED_RESPONSE_HEADERS) {
        const value = answer.headers[name]
        if (typeof value === 'string') out[name] = value
      }
      res.writeHead(answer.statusCode, out)
      await pipeline(answer.body, res)
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: (error as Error).message } }))
    }
  })
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
})
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
process.on('SIGTERM', () => process.exit(0))
