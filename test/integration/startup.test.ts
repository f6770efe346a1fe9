import { spawnSync } from 'node:child_process'

import { describe, expect, it } from '@jest/globals'

const KEY = 'ab'.repeat(32)

/** Runs the real entry point as operators do, with nothing but the given environment. */
function start(env: Record<string, string>) {
  const result = spawnSync('node', ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { status: result.status, stderr: result.stderr.trim() }
}

describe('bad configuration stops the start', () => {
  it.each([
    [{ DATABASE_URL: 'mysql://root@localhost/modelgate' }, 'DATABASE_URL has an unsupported scheme "mysql:"'],
    [{ NODE_ENV: 'production', MODELGATE_ENCRYPTION_KEY: KEY }, 'PAYLOAD_SECRET is required in production'],
    [{ NODE_ENV: 'production', MODELGATE_ENCRYPTION_KEY: KEY, PAYLOAD_SECRET: 'too-short' }, 'PAYLOAD_SECRET must be at least 32 characters'],
    [{ NODE_ENV: 'production', PAYLOAD_SECRET: 'p'.repeat(40) }, 'MODELGATE_ENCRYPTION_KEY is required in production'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
  ])('%j exits non-zero with one clear line', (env, message) => {
    const { status, stderr } = start(env)
    expect(stderr).toContain(`Invalid configuration: ${message}`)
    expect(stderr.split('\n')).toEqual([stderr])
    expect(status).toBe(1)
  }, 150_000)
})
