import express, { Router, type Request, type Response } from 'express'
import type { Payload, TypedUser } from 'payload'

import { sqlRunnerOf } from '../billing/sql'
import { billingStatement } from '../billing/statement'
import { chatConfig } from '../chat/config'
import { ChatRefusal } from '../chat/errors'
import { exchange, type EventStream, type ExchangeKind } from '../chat/exchange'
import { attachmentDisposition, EXPORT_FORMATS, toJson, toMarkdown, type ExportFormat } from '../chat/export'
import { loadChatModels, viewOf } from '../chat/models'
import { conversationFor, messagesOf } from '../chat/store'
import { sendPayloadError } from '../lib/payload-errors'
import type { Gateway } from '../relay/gateway'
import { SSE_HEADERS } from '../relay/relay'
import { customerSession, unreadableBody } from './customer-session'

/**
 * The chat app's own routes (docs/chat-api.md): its public config, the models a customer may
 * pick, sending as server-sent events, and conversation export. Conversations and messages are
 * otherwise read and changed through Payload's REST.
 */

/** Files arrive inline (an image as a data: URL of up to 20 MB, its text beside it). */
const BODY_LIMIT = '40mb'

type Handler = (req: Request, res: Response) => Promise<unknown>

function answerRefusal(res: Response, refusal: ChatRefusal) {
  if (refusal.retryAfterSeconds) res.set('retry-after', String(refusal.retryAfterSeconds))
  sendPayloadError(res, refusal.status, refusal.message, refusal.code)
}

/** Events as `data: <json>`, honouring back-pressure; a closed connection takes no more. */
function eventStream(res: Response, signal: AbortSignal): EventStream {
  return {
    signal,
    open() {
      res.writeHead(200, SSE_HEADERS)
      res.flushHeaders()
    },
    async emit(event) {
      if (res.writableEnded || res.destroyed) return
      if (!res.write(`data: ${JSON.stringify(event)}\n\n`)) {
        await new Promise((resolve) => {
          res.once('drain', resolve)
          res.once('close', resolve)
        })
      }
    },
  }
}

export function chatRoutes({ payload, gateway }: { payload: Payload; gateway?: Gateway }) {
  const router = Router()
  const failed = (req: Request, error: unknown) => payload.logger.error({ err: error }, `${req.method} ${req.path} failed`)

  const api =
    (work: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await work(req, res)
      } catch (error) {
        if (error instanceof ChatRefusal) return answerRefusal(res, error)
        failed(req, error)
        sendPayloadError(res, 500, 'Something went wrong; try again.')
      }
    }

  async function customerOf(req: Request): Promise<TypedUser> {
    const session = await customerSession(payload, req, 'The chat is for customer accounts.')
    if ('user' in session) return session.user
    throw new ChatRefusal(session.status, session.message)
  }

  router.get(
    '/api/chat/config',
    api(async (_req, res) => res.json(await chatConfig(payload))),
  )

  router.get(
    '/api/chat/conversations/:id/export',
    api(async (req, res) => {
      const user = await customerOf(req)
      const format = (req.query.format ?? 'md') as ExportFormat
      if (!(format in EXPORT_FORMATS)) throw new ChatRefusal(400, 'format must be md or json.')
      const conversation = await conversationFor(payload, user, req.params.id)
      const messages = await messagesOf(payload, conversation.id)
      res
        .type(EXPORT_FORMATS[format].contentType)
        .set('content-disposition', attachmentDisposition(conversation.title, format))
        .send(format === 'md' ? toMarkdown(conversation, messages) : toJson(conversation, messages))
    }),
  )

  if (!gateway) return router
  const deps = { payload, relay: gateway.relay, catalog: gateway.catalog }

  router.get(
    '/api/chat/models',
    api(async (req, res) => {
      const user = await customerOf(req)
      const [models, statement] = await Promise.all([loadChatModels(payload, gateway.catalog()), billingStatement(sqlRunnerOf(payload).query, String(user.id))])
      res.json({ models: models.map((m) => viewOf(m, statement.subscriptions)) })
    }),
  )

  /** Refusals answer JSON; once the stream is open, even a crash ends as an error event. */
  const streaming = (kind: ExchangeKind) => async (req: Request, res: Response) => {
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    const stream = eventStream(res, controller.signal)
    try {
      const user = await customerOf(req)
      await exchange(deps, kind, { user, headers: req.headers, ip: (req.ip ?? '').replace(/^::ffff:/, '') }, req.body, stream)
    } catch (error) {
      if (!res.headersSent) {
        if (error instanceof ChatRefusal) return answerRefusal(res, error)
        failed(req, error)
        return void sendPayloadError(res, 500, 'Something went wrong; try again.')
      }
      failed(req, error)
      await stream.emit({ type: 'error', message: 'Something went wrong; the answer may be incomplete.', code: 'server_error' })
    }
    if (!res.writableEnded) res.end()
  }

  const json = express.json({ limit: BODY_LIMIT })
  for (const kind of ['send', 'regenerate', 'edit'] as const) router.post(`/api/chat/${kind}`, json, streaming(kind), unreadableBody)
  return router
}
