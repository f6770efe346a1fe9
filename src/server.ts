import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'

import next from 'next'
import { getPayload, type Payload } from 'payload'

import { ConfigError, loadConfig, type AppConfig } from './config/env'
import { closeDatabase } from './db/adapter'
import { migrateDatabase } from './db/migrate'
import { createPayloadConfig } from './payload-config'
import { seed } from './seed'
import { createApp } from './http/app'
import { createRedis } from './lib/redis'

export type Running = { server: Server; payload: Payload; config: AppConfig; close: () => Promise<void> }

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
  const app = createApp({ payload, config, redis, next: handle ? (req, res) => void handle(req, res) : undefined })

  const server = createServer(app)
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
    redis?.disconnect()
    await closeDatabase(payload)
  }
  return { server, payload, config, close }
}

export async function main() {
  try {
    const running = await startServer()
    const address = running.server.address()
    const port = typeof address === 'object' && address ? address.port : running.config.PORT
    console.log(`Modelgate is listening on http://localhost:${port} (admin: /admin, API: /api, relay: /v1)`)
    const stop = (signal: string) => {
      console.log(`${signal} received, shutting down`)
      running.close().finally(() => process.exit(0))
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    console.error(error)
    process.exit(1)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main()
