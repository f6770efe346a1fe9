import { fileURLToPath } from 'node:url'

import { ConfigError, loadConfig } from './config/env'
import type { Running } from './http/start'

export type { Running }

/**
 * Starts Modelgate (see http/start.ts). The framework modules load only after the configuration
 * passed its check, so a bad variable is reported at once, even on a busy machine.
 */
export async function startServer(options: Parameters<typeof import('./http/start').startServer>[0] = {}): Promise<Running> {
  loadConfig(options.env ?? process.env)
  const { startServer: start } = await import('./http/start')
  return start(options)
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
    console.error(error instanceof ConfigError ? error.message : error)
    process.exit(1)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main()
