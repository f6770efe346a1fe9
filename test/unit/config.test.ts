import { describe, expect, it } from '@jest/globals'

import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from '../../src/config/env'

const SECRET = 'a-production-secret-of-at-least-32-chars'
const KEY = 'ab'.repeat(32)

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('runs on the embedded default with no variables at all', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATABASE_URL: DEFAULT_DATABASE_URL,
      databaseKind: 'sqlite',
      SEED_DEMO: true,
      TRUST_PROXY: false,
      JOBS_AUTORUN: true,
    })
    expect(config.PAYLOAD_SECRET.length).toBeGreaterThanOrEqual(32)
  })

  it.each([
    ['file:./data/x.db', 'sqlite'],
    ['postgres://u@h:5432/db', 'postgres'],
    ['postgresql://u@h/db', 'postgres'],
    ['mongodb://h:27017/db', 'mongodb'],
    ['mongodb+srv://cluster.example.com/db', 'mongodb'],
  ])('picks the adapter from DATABASE_URL %s', (url, kind) => {
    expect(loadConfig({ DATABASE_URL: url }).databaseKind).toBe(kind)
  })

  it('rejects an unknown DATABASE_URL scheme, naming the variable', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://root@localhost/db' })).toBe(
      'Invalid configuration: DATABASE_URL has an unsupported scheme "mysql:"; use file: (SQLite), postgres:// or mongodb://',
    )
  })

  it('requires PAYLOAD_SECRET in production', () => {
    expect(errorOf({ NODE_ENV: 'production', MODELGATE_ENCRYPTION_KEY: KEY })).toBe('Invalid configuration: PAYLOAD_SECRET is required in production')
  })

  it('rejects a short PAYLOAD_SECRET in production', () => {
    expect(errorOf({ NODE_ENV: 'production', PAYLOAD_SECRET: 'short', MODELGATE_ENCRYPTION_KEY: KEY })).toMatch(/^Invalid configuration: PAYLOAD_SECRET must be at least 32 characters/)
  })

  it('accepts a long PAYLOAD_SECRET in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', PAYLOAD_SECRET: SECRET, MODELGATE_ENCRYPTION_KEY: KEY }).PAYLOAD_SECRET).toBe(SECRET)
  })

  it('requires MODELGATE_ENCRYPTION_KEY in production', () => {
    expect(errorOf({ NODE_ENV: 'production', PAYLOAD_SECRET: SECRET })).toBe(
      'Invalid configuration: MODELGATE_ENCRYPTION_KEY is required in production (generate one with: openssl rand -hex 32)',
    )
  })

  it.each(['abc', '70000', '-1', '3.5'])('rejects PORT=%s', (port) => {
    expect(errorOf({ PORT: port })).toMatch(/^Invalid configuration: PORT /)
  })

  it('treats empty values as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', REDIS_URL: '' })
    expect(config).toMatchObject({ PORT: 3000, DATABASE_URL: DEFAULT_DATABASE_URL })
    expect(config.REDIS_URL).toBeUndefined()
  })

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
  ])('reads TRUST_PROXY=%s as express expects', (value, parsed) => {
    expect(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(parsed)
  })

  it('lists every problem in one line', () => {
    const message = errorOf({ PORT: 'x', REDIS_URL: 'http://nope', SEED_DEMO: 'maybe' })
    expect(message.split('\n')).toHaveLength(1)
    for (const name of ['PORT', 'REDIS_URL', 'SEED_DEMO']) expect(message).toContain(`${name} `)
  })

  it('checks the encryption key format', () => {
    expect(errorOf({ MODELGATE_ENCRYPTION_KEY: 'not-hex' })).toMatch(/MODELGATE_ENCRYPTION_KEY must be 64 hex characters/)
    expect(loadConfig({ MODELGATE_ENCRYPTION_KEY: 'ab'.repeat(32) }).MODELGATE_ENCRYPTION_KEY).toBe('ab'.repeat(32))
  })
})
