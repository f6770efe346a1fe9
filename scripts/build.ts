/**
 * Builds the Next app (admin panel, chat app) when the sources changed since the last build.
 * `npm start` calls ensureBuild(); `npm run build` forces a build.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const STAMP = '.next/modelgate-build.json'
const INPUTS = ['src', 'payload.config.ts', 'next.config.ts', 'tsconfig.json', 'package-lock.json']
const SKIP = new Set(['migrations', 'node_modules'])

function* files(entry: string): Generator<string> {
  if (!existsSync(entry)) return
  if (statSync(entry).isFile()) return yield entry
  for (const name of readdirSync(entry).sort()) {
    if (!SKIP.has(name)) yield* files(path.join(entry, name))
  }
}

export function sourceHash(): string {
  const hash = createHash('sha256')
  for (const input of INPUTS) for (const file of files(input)) hash.update(file).update(readFileSync(file))
  return hash.digest('hex')
}

function builtHash(): string | undefined {
  if (!existsSync('.next/BUILD_ID') || !existsSync(STAMP)) return undefined
  return JSON.parse(readFileSync(STAMP, 'utf8')).hash
}

export function build() {
  // Hashed before building, so an edit made during the build triggers the next one.
  const hash = sourceHash()
  console.log('Building the admin panel and web app (next build); this takes a few minutes the first time…')
  const result = spawnSync('npx', ['next', 'build', '--webpack'], {
    stdio: 'inherit',
    env: {
      // Next evaluates the Payload config while collecting page data; nothing built depends on the
      // secrets, and the server reads the real ones at start.
      PAYLOAD_SECRET: 'build-time-placeholder-secret-never-used-to-sign',
      MODELGATE_ENCRYPTION_KEY: '0'.repeat(64),
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  })
  if (result.status !== 0) {
    console.error('next build failed')
    process.exit(result.status ?? 1)
  }
  writeFileSync(STAMP, JSON.stringify({ hash, builtAt: new Date().toISOString() }))
}

export function ensureBuild() {
  if (builtHash() !== sourceHash()) build()
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv.includes('--force')) build()
  else ensureBuild()
}
