import { createServer, type Server } from 'node:http'

import next from 'next'
import { getPayload, type Payload } from 'payload'

import { loadConfig, type AppConfig } from '../config/env'
import { closeDatabase } from '../db/adapter'
import { migrateDatabase } from '../db/migrate'
import { createPayloadConfig } from '../payload-config'
import { seed } from '../seed'
import { closeOcr } from '../files/ocr'
import { createHandler } from './app'
import { createRedis, shareRedis } from '../lib/redis'
import { createGateway, type Gateway } from '../relay/gateway'

export type Running = { server: Server; payload: Payload; config: AppConfig; gateway: Gateway; close: () => Promise<void> }

/**
 * Starts Modelgate: schema migrations, first-run seed, then one HTTP server where express takes
 * /v1 (relay), /api (Payload REST) and health checks, and hands everything else to Next.
 */
export async function startServer(options: { withNext?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Running> {
  const config = loadConfig(options.env ?? process.env)
  const dev = config.NODE_ENV === 'development'
  const payload = await getPayload({ config: createPayloadConfig(config), cron: config.JOBS_AUTORUN })
  if (!dev) await migrateDatabase(payload, config.databaseKind)
  await seed(payload, config)

  let nextApp: ReturnType<typeof next> | undefined
  if (options.withNext !== false) {
    nextApp = next({ dev, dir: process.cwd(), hostname: config.HOST, port: config.PORT })
    await nextApp.prepare()
  }
  const handle = nextApp?.getRequestHandler()
  const redis = createRedis(config.REDIS_URL)
  shareRedis(payload, redis)
  const gateway = await createGateway(payload, config, redis)
  const maxBodyBytes = Math.round(config.RELAY_MAX_BODY_MB * 1024 * 1024)
  const server = createServer(createHandler({ payload, config, redis, gateway, maxBodyBytes, next: handle ? (req, res) => void handle(req, res) : undefined }))
  // Idle keep-alive connections stay open longer than the proxies and clients that hold them wait
  // (nginx and most load balancers: 60 s), so none of them sends a request on a connection this
  // server is closing at that moment, which it would see as a 502 or a reset. Node's default is 5 s.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  if (dev && nextApp) server.on('upgrade', nextApp.getUpgradeHandler())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.PORT, config.HOST, resolve)
  })

  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // Keep-alive sockets would hold close() open until they time out.
    server.closeIdleConnections()
    await closed
    await nextApp?.close()
    await gateway.close()
    await closeOcr()
    redis?.disconnect()
    await closeDatabase(payload)
  }
  return { server, payload, config, gateway, close }
}
