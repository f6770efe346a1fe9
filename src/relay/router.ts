import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'

import express, { Router, type NextFunction, type Request, type Response } from 'express'

import { matchesAny } from './wildcard'
import { ClientSignal } from './client-signal'
import { badRequest, RelayError, openAIError } from './errors'
import { readMultipart, writeMultipart } from './multipart'
import type { PassthroughRequest } from './upstreams/passthrough'
import { anthropicError, anthropicErrorOf, readMessagesRequest, writeAnthropicAnswer } from './messages'
import { validateChatRequest, writeOpenAIStream, type ChatRun, type Relay, type RelayCall } from './relay'
import { formatSse } from './sse'
import type { Catalog } from './catalog'

/** A relay call for a request, aborted when the client goes away before the answer is written. */
function relayCall(res: ServerResponse, body: unknown, headers: IncomingHttpHeaders, ip: string): RelayCall {
  const signal = new ClientSignal()
  res.on('close', () => {
    if (!res.writableFinished) signal.abort()
  })
  return { body, headers, ip: ip.replace(/^::ffff:/, ''), signal }
}

/** JSON as express's `res.json` sends it, without the router around it. */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendJsonText(res, status, JSON.stringify(body), headers)
}

function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** Rate limits say when to come back. */
function retryAfter(error: unknown): Record<string, string> {
  const seconds = (error as { retryAfterSeconds?: number } | null)?.retryAfterSeconds
  return seconds ? { 'retry-after': String(seconds) } : {}
}

function sendError(res: ServerResponse, error: unknown) {
  if (res.headersSent) {
    // Mid-stream: the status is gone, so the error travels as a last event.
    const message = error instanceof Error ? error.message : 'stream interrupted'
    if (!res.writableEnded) res.end(`data: ${JSON.stringify(openAIError(message, 'server_error', 'stream_interrupted'))}\n\n`)
    return
  }
  if (error instanceof RelayError) return sendJson(res, error.status, error.body(), retryAfter(error))
  sendJson(res, 500, openAIError('The relay failed to handle this request.', 'server_error', 'internal_error'))
}

function sendAnthropicError(res: ServerResponse, error: unknown) {
  if (res.headersSent) {
    if (!res.writableEnded) res.end(formatSse(JSON.stringify(anthropicError(500, (error as Error).message)), 'error'))
    return
  }
  const { status, body } = anthropicErrorOf(error)
  sendJson(res, status, body, retryAfter(error))
}

async function writeOpenAIAnswer(res: ServerResponse, run: ChatRun) {
  if (run.outcome.kind !== 'completion') return writeOpenAIStream(res, run)
  run.meter.observeCompletion(run.outcome.completion)
  // The upstream's own bytes when it speaks OpenAI: a long answer is not encoded a second time.
  if (run.outcome.raw !== undefined) sendJsonText(res, 200, run.outcome.raw)
  else sendJson(res, 200, run.outcome.completion)
}

function writeRaw(res: ServerResponse, run: ChatRun) {
  if (run.outcome.kind !== 'raw') throw new Error('unexpected answer')
  res.writeHead(200, { 'content-type': run.outcome.contentType, 'content-length': run.outcome.body.length })
  res.end(run.outcome.body)
}

/** Runs a request and writes its answer; every outcome is logged and errors answered in the ingress's shape. */
function serve(
  relay: Relay,
  endpoint: string,
  run: (call: RelayCall, endpoint: string) => Promise<ChatRun>,
  write: (res: ServerResponse, run: ChatRun) => Promise<void> | void,
  fail: (res: ServerResponse, error: unknown) => void,
) {
  return async (res: ServerResponse, call: RelayCall) => {
    let started: ChatRun | undefined
    try {
      started = await run(call, endpoint)
      const ttfbMs = Date.now() - started.started
      await write(res, started)
      relay.logRun(started, call, endpoint, { status: 'success', httpStatus: 200, ttfbMs })
    } catch (error) {
      if (started) {
        const aborted = call.signal.aborted
        relay.logRun(started, call, endpoint, {
          status: aborted ? 'client-aborted' : 'error',
          httpStatus: aborted ? 499 : 502,
          error: (error as Error).message,
        })
      }
      fail(res, error)
    }
  }
}

const chatCompletions = (relay: Relay) =>
  serve(relay, '/v1/chat/completions', (call, endpoint) => relay.runChat(call, endpoint, validateChatRequest(call.body)), writeOpenAIAnswer, sendError)

const isMultipart = (headers: IncomingHttpHeaders) => String(headers['content-type'] ?? '').startsWith('multipart/')

const TOO_LARGE = () => new RelayError(413, 'The request body is too large.', 'request_too_large')
const NOT_JSON = () => new RelayError(400, 'The request body is not valid JSON.', 'invalid_json')

/** The body as express.json reads it: an object or array, {} when empty; too large → 413, not JSON → 400. */
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) return reject(TOO_LARGE())
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) return reject(TOO_LARGE())
      chunks.push(chunk)
    })
    req.on('error', reject)
    req.on('end', () => {
      if (size > limit) return
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') return resolve({})
      try {
        const body: unknown = JSON.parse(text)
        if (body === null || typeof body !== 'object') return reject(NOT_JSON())
        resolve(body)
      } catch {
        reject(NOT_JSON())
      }
    })
  })
}

/**
 * `POST /v1/chat/completions` straight from node's HTTP server, ahead of express: the relay's
 * busiest route skips the router, the middleware stack and express's response helpers, which cost
 * more than the relay's own work. Answers exactly as the express route would; bodies it does not
 * read itself (compressed or multipart) go on to express. Returns whether it took the request.
 */
export function chatCompletionsFastPath(relay: Relay, options: { maxBodyBytes?: number; clientIp: (req: IncomingMessage) => string }) {
  const handle = chatCompletions(relay)
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || (req.url !== '/v1/chat/completions' && !req.url?.startsWith('/v1/chat/completions?'))) return false
    if (req.headers['content-encoding'] || isMultipart(req.headers)) return false
    readJsonBody(req, limit).then(
      (body) => handle(res, relayCall(res, body, req.headers, options.clientIp(req))),
      (error) => {
        // Whatever of an oversized body is still coming is read and dropped.
        req.resume()
        sendError(res, error)
      },
    )
    return true
  }
}

const DEFAULT_MAX_BODY = 20 * 1024 * 1024

function modelList(catalog: Catalog, allowed: string[]) {
  const names = [...catalog.modelsByName.keys()].filter((name) => allowed.length === 0 || matchesAny(allowed, name))
  return {
    object: 'list',
    data: names.sort().map((id) => ({ id, object: 'model', created: 0, owned_by: 'modelgate' })),
  }
}

/**
 * `/v1/*`: OpenAI's API in front of every configured provider. Bodies over the size limit answer
 * 413 and malformed JSON 400, both in OpenAI's error shape.
 */
export function relayRouter(relay?: Relay, options: { catalog?: () => Catalog; maxBodyBytes?: number } = {}) {
  const router = Router()
  if (relay && options.catalog) {
    const catalog = options.catalog
    const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY
    router.use(express.json({ limit, type: (req) => !isMultipart(req.headers) }))
    router.use(express.raw({ limit, type: (req) => isMultipart(req.headers) }))
    const callOf = (req: Request, res: Response) => relayCall(res, req.body, req.headers, req.ip ?? '')
    const route = (handle: (res: ServerResponse, call: RelayCall) => Promise<void>) => (req: Request, res: Response) => handle(res, callOf(req, res))

    router.get('/models', async (req, res) => {
      try {
        const { key } = await relay.authorize(callOf(req, res))
        sendJson(res, 200, modelList(catalog(), key.models))
      } catch (error) {
        sendError(res, error)
      }
    })

    router.post('/chat/completions', route(chatCompletions(relay)))
    router.post(
      '/messages',
      route(
        serve(
          relay,
          '/v1/messages',
          (call, endpoint) => {
            const { request, native } = readMessagesRequest(call.body)
            return relay.runChat(call, endpoint, request, native)
          },
          writeAnthropicAnswer,
          sendAnthropicError,
        ),
      ),
    )

    /** Relays a request whose answer goes back as it came, after the usual key and model checks. */
    const passthroughRoute = (path: string, read: (call: RelayCall) => Promise<Omit<PassthroughRequest, 'path'>>) =>
      route(serve(relay, `/v1/${path}`, async (call, endpoint) => relay.runPassthrough(call, endpoint, { path, ...(await read(call)) }), writeRaw, sendError))

    const readJson = async (call: RelayCall) => {
      const body = call.body as Record<string, unknown> | undefined
      if (!body || typeof body.model !== 'string') throw badRequest('you must provide a model parameter', 'model')
      return {
        model: body.model,
        inputCharacters: JSON.stringify(body.input ?? body.prompt ?? '').length,
        body: async (model: string) => ({ body: JSON.stringify({ ...body, model }), contentType: 'application/json' }),
      }
    }

    router.post('/embeddings', passthroughRoute('embeddings', readJson))
    router.post('/images/generations', passthroughRoute('images/generations', readJson))
    router.post(
      '/audio/transcriptions',
      passthroughRoute('audio/transcriptions', async (call) => {
        if (!Buffer.isBuffer(call.body)) throw badRequest('Send the audio as multipart/form-data with "file" and "model".')
        const parts = await readMultipart(call.body, String(call.headers['content-type']))
        const model = parts.find((p) => p.name === 'model' && 'value' in p)
        if (!model || !('value' in model)) throw badRequest('you must provide a model parameter', 'model')
        if (!parts.some((p) => p.name === 'file' && 'data' in p)) throw badRequest('you must provide a file', 'file')
        return { model: model.value, inputCharacters: 0, body: (upstream: string) => writeMultipart(parts, upstream) }
      }),
    )
  }

  router.use((req, res) => {
    sendJson(res, 404, openAIError(`Unknown API route: ${req.method} /v1${req.path}`, 'invalid_request_error', 'not_found'))
  })

  router.use((error: { type?: string; status?: number }, req: Request, res: Response, _next: NextFunction) => {
    const fail = req.path === '/messages' ? sendAnthropicError : sendError
    if (error.type === 'entity.too.large') return fail(res, TOO_LARGE())
    if (error.type === 'entity.parse.failed') return fail(res, NOT_JSON())
    fail(res, error)
  })
  return router
}
