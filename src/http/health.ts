import type { Request, Response } from 'express'
import type { Payload } from 'payload'

import type { Redis } from 'ioredis'

import { ensureConnected } from '../lib/redis'

const CHECK_TIMEOUT_MS = 3000

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
  ])
}

export function healthz(_req: Request, res: Response) {
  res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) })
}

/** Ready when the database answers a query (and Redis a PING, when configured). */
export function readyz(payload: Payload, redis: Redis | null) {
  return async (_req: Request, res: Response) => {
    const checks: Record<string, string> = {}
    let ready = true
    try {
      await withTimeout(payload.count({ collection: 'admins', overrideAccess: true }), 'database')
      checks.database = 'ok'
    } catch (error) {
      ready = false
      checks.database = (error as Error).message
    }
    if (redis) {
      try {
        await ensureConnected(redis)
        await withTimeout(redis.ping(), 'redis')
        checks.redis = 'ok'
      } catch (error) {
        ready = false
        checks.redis = (error as Error).message
      }
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks })
  }
}
