import { Readable } from 'node:stream'

import type { Request, Response } from 'express'
import { handleEndpoints, type SanitizedConfig } from 'payload'

/** Node's request headers as fetch's Headers, repeated headers kept. */
export function fetchHeaders(req: Request): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return headers
}

function toFetchRequest(req: Request): globalThis.Request {
  const headers = fetchHeaders(req)
  const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Node's fetch needs this to stream a request body.
    duplex: 'half',
  } as RequestInit)
}

async function sendFetchResponse(response: globalThis.Response, res: Response) {
  res.status(response.status)
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value)
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length) res.setHeader('set-cookie', cookies)
  if (!response.body) return res.end()
  Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res)
}

/** An express handler around a fetch-style one (a Request in, a Response out), as Payload's routes are. */
export function serveFetch(handle: (request: globalThis.Request) => Promise<globalThis.Response>) {
  return async (req: Request, res: Response) => {
    await sendFetchResponse(await handle(toFetchRequest(req)), res)
  }
}

/**
 * Serves Payload's REST API (`/api/*`) straight from express. Next's REST route does nothing but
 * call `handleEndpoints`, so calling it here gives the same API without Next's per-request cost.
 */
export function payloadRest(config: Promise<SanitizedConfig> | SanitizedConfig) {
  return serveFetch((request) => handleEndpoints({ config, request }))
}
