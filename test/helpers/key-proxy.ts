import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

/**
 * Sits in front of the fake provider (fake-openai.ts) so tests can use provider keys of their own
 * choosing: the key the relay sends (`Authorization: Bearer …` or Azure's `api-key`) is swapped
 * for the fake's behaviour key (`sk-good`, `sk-revoked`, `sk-down`, …) before the request is
 * forwarded. A key listed in `answers` is answered here instead, e.g. by an upstream that quotes
 * the key back in its error.
 */
export type KeyProxy = {
  baseUrl: string
  /** Every provider key that reached the proxy, in order. */
  seen: string[]
  close: () => Promise<void>
}

export type ProxyAnswer = (res: ServerResponse, key: string) => void

export async function startKeyProxy(
  upstreamBaseUrl: string,
  keys: Record<string, string>,
  answers: Record<string, ProxyAnswer> = {},
): Promise<KeyProxy> {
  const seen: string[] = []
  const upstream = new URL(upstreamBaseUrl)
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const auth = String(req.headers.authorization ?? '')
    const key = auth.replace(/^Bearer /, '') || String(req.headers['api-key'] ?? '')
    seen.push(key)
    const answer = answers[key]
    if (answer) return answer(res, key)

    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length', 'api-key', 'authorization'].includes(name)) headers[name] = value
    }
    headers.authorization = `Bearer ${keys[key] ?? key}`
    // Our base URL mirrors the upstream's path, so the request path can be forwarded as it is.
    const target = new URL(req.url ?? '/', upstream.origin)
    try {
      const response = await fetch(target, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      })
      const out: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value
      })
      res.writeHead(response.status, out)
      if (!response.body) return void res.end()
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res)
    } catch (error) {
      res.writeHead(599, { 'content-type': 'text/plain' })
      res.end(`proxy failed: ${(error as Error).message}`)
    }
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/+$/, '')}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
