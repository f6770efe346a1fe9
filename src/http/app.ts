import type { IncomingMessage, RequestListener } from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'

import { GRAPHQL_POST } from '@payloadcms/next/routes'
import express, { type RequestHandler } from 'express'
import proxyAddr from 'proxy-addr'
import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import type { AppConfig } from '../config/env'
import { CODE_EDITOR_PATH } from '../lib/code-editor'
import type { Gateway } from '../relay/gateway'
import { chatCompletionsFastPath, relayRouter } from '../relay/router'
import { authGuard } from './auth-guard'
import { chatRoutes } from './chat'
import { clientIpHeader } from './client-ip'
import { chatFilesRoutes } from './chat-files'
import { customerRoutes } from './dashboard'
import { healthz, readyz } from './health'
import { payloadRest, serveFetch } from './payload-rest'

export type AppOptions = {
  payload: Payload
  config: Pick<AppConfig, 'TRUST_PROXY'>
  redis: Redis | null
  gateway?: Gateway
  maxBodyBytes?: number
  /** Next's request handler (admin panel, chat app); omitted when serving the API alone, as in tests. */
  next?: RequestHandler
}

/** Monaco's own build as installed with the app: the version Payload's editor was built against. */
function codeEditorFiles(): string {
  return path.join(path.dirname(createRequire(`${process.cwd()}/package.json`).resolve('monaco-editor/package.json')), 'min', 'vs')
}

/**
 * Paths under /api that Next serves itself rather than Payload's REST handler. GraphQL queries are
 * served here (its handler needs nothing of Next), so the API answers the same with or without Next.
 */
const NEXT_API_PATHS = /^\/api\/graphql-playground(\/|$)/

export function createApp({ payload, config, redis, gateway, maxBodyBytes, next }: AppOptions) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.TRUST_PROXY)
  app.use(clientIpHeader)

  app.get('/healthz', healthz)
  app.use(CODE_EDITOR_PATH, express.static(codeEditorFiles(), { maxAge: '1d', fallthrough: false }))
  app.get('/readyz', readyz(payload, redis))
  app.use(authGuard({ payload, redis }))
  app.use(customerRoutes({ payload, gateway }))
  app.use(chatRoutes({ payload, gateway }))
  app.use(chatFilesRoutes({ payload, gateway }))
  app.use('/v1', relayRouter(gateway?.relay, { catalog: gateway?.catalog, maxBodyBytes }))

  const graphql = serveFetch(GRAPHQL_POST(payload.config))
  app.post('/api/graphql', (req, res, nextFn) => graphql(req, res).catch(nextFn))
  const rest = payloadRest(payload.config)
  app.use('/api', (req, res, nextFn) => {
    if (next && NEXT_API_PATHS.test(req.originalUrl)) return nextFn()
    rest(req, res).catch(nextFn)
  })

  if (next) app.use(next)
  return app
}

/**
 * The HTTP server's handler: chat completions, the relay's hot path, go straight to the relay;
 * everything else through express.
 */
export function createHandler(options: AppOptions): RequestListener {
  const app = createApp(options)
  const { gateway } = options
  if (!gateway) return app
  // The client address exactly as express's req.ip resolves it under TRUST_PROXY.
  const trust = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1]
  const fast = chatCompletionsFastPath(gateway.relay, { maxBodyBytes: options.maxBodyBytes, clientIp: (req: IncomingMessage) => proxyAddr(req, trust) })
  return (req, res) => {
    if (!fast(req, res)) app(req, res)
  }
}
