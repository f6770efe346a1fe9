import express, { Router, type NextFunction, type Request, type Response } from 'express'

import { matchesAny } from './wildcard'
import { badRequest, RelayError, openAIError } from './errors'
import { readMultipart, writeMultipart } from './multipart'
import type { PassthroughRequest } from './upstreams/passthrough'
import { anthropicError, anthropicErrorOf, readMessagesRequest, writeAnthropicAnswer } from './messages'
import { validateChatRequest, writeOpenAIStream, type ChatRun, type Relay, type RelayCall } from './relay'
import { formatSse } from './sse'
import type { AnthropicRequest } from './translate/anthropic-types'
import type { OpenAIRequest } from './translate/openai-types'
import type { Catalog } from './catalog'

/** The client's address as express resolved it (TRUST_PROXY aware), and an abort on disconnect. */
function relayCall(req: Request, res: Response): RelayCall {
  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  return { body: req.body, headers: req.headers, ip: (req.ip ?? '').replace(/^::ffff:/, ''), signal: controller.signal }
}

/** Rate limits say when to come back. */
function retryAfter(res: Response, error: unknown) {
  const seconds = (error as { retryAfterSeconds?: number } | null)?.retryAfterSeconds
  if (seconds) res.set('retry-after', String(seconds))
}

function sendError(res: Response, error: unknown) {
  if (res.headersSent) {
    // Mid-stream: the status is gone, so the error travels as a last event.
    const message = error instanceof Error ? error.message : 'stream interrupted'
    if (!res.writableEnded) res.end(`data: ${JSON.stringify(openAIError(message, 'server_error', 'stream_interrupted'))}\n\n`)
    return
  }
  retryAfter(res, error)
  if (error instanceof RelayError) return void res.status(error.status).json(error.body())
  res.status(500).json(openAIError('The relay failed to handle this request.', 'server_error', 'internal_error'))
}

function sendAnthropicError(res: Response, error: unknown) {
  if (res.headersSent) {
    if (!res.writableEnded) res.end(formatSse(JSON.stringify(anthropicError(500, (error as Error).message)), 'error'))
    return
  }
  const { status, body } = anthropicErrorOf(error)
  retryAfter(res, error)
  res.status(status).json(body)
}

async function writeOpenAIAnswer(res: Response, run: ChatRun) {
  if (run.outcome.kind !== 'completion') return writeOpenAIStream(res, run)
  run.meter.observeCompletion(run.outcome.completion)
  res.json(run.outcome.completion)
}

function writeRaw(res: Response, run: ChatRun) {
  if (run.outcome.kind !== 'raw') throw new Error('unexpected answer')
  res.status(200).type(run.outcome.contentType).send(run.outcome.body)
}

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
    const limit = options.maxBodyBytes ?? 20 * 1024 * 1024
    const isMultipart = (req: { headers: Request['headers'] }) => String(req.headers['content-type'] ?? '').startsWith('multipart/')
    router.use(express.json({ limit, type: (req) => !isMultipart(req) }))
    router.use(express.raw({ limit, type: isMultipart }))

    router.get('/models', async (req, res) => {
      try {
        const { key } = await relay.authorize(relayCall(req, res))
        res.json(modelList(catalog(), key.models))
      } catch (error) {
        sendError(res, error)
      }
    })

    /** Runs a request and writes its answer; every outcome is logged and errors answered in the ingress's shape. */
    const serve =
      (
        endpoint: string,
        run: (call: RelayCall, req: Request, endpoint: string) => Promise<ChatRun>,
        write: (res: Response, run: ChatRun) => Promise<void> | void,
        fail: (res: Response, error: unknown) => void,
      ) =>
      async (req: Request, res: Response) => {
        const call = relayCall(req, res)
        let started: ChatRun | undefined
        try {
          started = await run(call, req, endpoint)
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

    const chat =
      (prepare: (body: unknown) => { request: OpenAIRequest; native?: AnthropicRequest }) =>
      (call: RelayCall, _req: Request, endpoint: string) => {
        const { request, native } = prepare(call.body)
        return relay.runChat(call, endpoint, request, native)
      }
    router.post('/chat/completions', serve('/v1/chat/completions', chat((body) => ({ request: validateChatRequest(body) })), writeOpenAIAnswer, sendError))
    router.post('/messages', serve('/v1/messages', chat(readMessagesRequest), writeAnthropicAnswer, sendAnthropicError))

    /** Relays a request whose answer goes back as it came, after the usual key and model checks. */
    const passthroughRoute = (path: string, read: (req: Request) => Promise<Omit<PassthroughRequest, 'path'>>) =>
      serve(
        `/v1/${path}`,
        async (call, req, endpoint) => relay.runPassthrough(call, endpoint, { path, ...(await read(req)) }),
        writeRaw,
        sendError,
      )

    const readJson = async (req: Request) => {
      const body = req.body as Record<string, unknown> | undefined
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
      passthroughRoute('audio/transcriptions', async (req) => {
        if (!Buffer.isBuffer(req.body)) throw badRequest('Send the audio as multipart/form-data with "file" and "model".')
        const parts = await readMultipart(req.body, String(req.headers['content-type']))
        const model = parts.find((p) => p.name === 'model' && 'value' in p)
        if (!model || !('value' in model)) throw badRequest('you must provide a model parameter', 'model')
        if (!parts.some((p) => p.name === 'file' && 'data' in p)) throw badRequest('you must provide a file', 'file')
        return { model: model.value, inputCharacters: 0, body: (upstream: string) => writeMultipart(parts, upstream) }
      }),
    )
  }

  router.use((req, res) => {
    res.status(404).json(openAIError(`Unknown API route: ${req.method} /v1${req.path}`, 'invalid_request_error', 'not_found'))
  })

  router.use((error: { type?: string; status?: number }, req: Request, res: Response, _next: NextFunction) => {
    const fail = req.path === '/messages' ? sendAnthropicError : sendError
    if (error.type === 'entity.too.large') {
      return fail(res, new RelayError(413, 'The request body is too large.', 'request_too_large'))
    }
    if (error.type === 'entity.parse.failed') {
      return fail(res, new RelayError(400, 'The request body is not valid JSON.', 'invalid_json'))
    }
    fail(res, error)
  })
  return router
}
