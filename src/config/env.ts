import { z } from 'zod'

/**
 * Every environment variable Modelgate reads is declared here and nowhere else, so the README's
 * table and the start-up check cannot drift apart.
 */

export type DatabaseKind = 'sqlite' | 'postgres' | 'mongodb'

export const DEFAULT_DATABASE_URL = 'file:./data/modelgate.db'
const DEV_SECRET = 'modelgate-development-secret-not-for-production'
const MIN_SECRET_LENGTH = 32

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)))

export function databaseKindOf(url: string): DatabaseKind | undefined {
  if (url.startsWith('file:')) return 'sqlite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres'
  if (/^mongodb(\+srv)?:\/\//.test(url)) return 'mongodb'
  return undefined
}

/** Express's `trust proxy` accepts a boolean, a hop count or a list of addresses/CIDRs. */
export type TrustProxy = boolean | number | string[]

function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  return value.split(',').map((s) => s.trim()).filter(Boolean)
}

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === '' ? 3000 : Number(v)))
      .refine((n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'must be a whole number from 0 to 65535'),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://ai.example.com' }).optional(),
    DATABASE_URL: z.string().default(DEFAULT_DATABASE_URL),
    PAYLOAD_SECRET: z.string().optional(),
    ADMIN_EMAIL: z.email({ message: 'must be an email address' }).default('admin@modelgate.local'),
    ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    SEED_DEMO: bool(true),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    TRUST_PROXY: z.string().optional().transform(parseTrustProxy),
    JOBS_AUTORUN: bool(true),
    MODELGATE_ENCRYPTION_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes); generate one with: openssl rand -hex 32')
      .optional(),
    RELAY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    RELAY_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    RELAY_FIRST_BYTE_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
    RELAY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    RELAY_RECHECK_DISABLED_KEYS: bool(true),
    RELAY_MAX_BODY_MB: z.coerce.number().min(0.001).max(512).default(20),
    BILLING_LEASE_SECONDS: z.coerce.number().min(0.5).max(3600).default(60),
    BILLING_ALLOWANCE_IDLE_SECONDS: z.coerce.number().min(0).max(600).default(2),
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    SMTP_SECURE: bool(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    SMTP_ALLOW_INSECURE_TLS: bool(false),
    MAIL_FROM: z.email({ message: 'must be an email address' }).default('no-reply@modelgate.local'),
    MAIL_FROM_NAME: z.string().default('Modelgate'),
    STAFF_TOTP_REQUIRED: bool(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (databaseKindOf(env.DATABASE_URL) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: `has an unsupported scheme "${env.DATABASE_URL.split(':')[0]}:"; use file: (SQLite), postgres:// or mongodb://`,
      })
    }
    if (env.NODE_ENV !== 'production') return
    if (!env.MODELGATE_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['MODELGATE_ENCRYPTION_KEY'],
        message: 'is required in production (generate one with: openssl rand -hex 32)',
      })
    }
    if (!env.PAYLOAD_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_SECRET'], message: 'is required in production' })
    } else if (env.PAYLOAD_SECRET.length < MIN_SECRET_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_SECRET'],
        message: `must be at least ${MIN_SECRET_LENGTH} characters in production`,
      })
    }
  })

export type AppConfig = Omit<z.infer<typeof schema>, 'PAYLOAD_SECRET'> & {
  PAYLOAD_SECRET: string
  databaseKind: DatabaseKind
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Empty strings count as unset, as in most deployment tools' env files. */
function withoutEmpty(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = schema.safeParse(withoutEmpty(env))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`)
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  }
  const config = parsed.data
  return {
    ...config,
    PAYLOAD_SECRET: config.PAYLOAD_SECRET ?? DEV_SECRET,
    databaseKind: databaseKindOf(config.DATABASE_URL)!,
  }
}
