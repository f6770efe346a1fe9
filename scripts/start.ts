/**
 * `npm start`: first run writes .env with generated secrets, builds what is missing, then serves
 * in production mode. `npm run dev` (--dev) serves with Next's dev server and schema push.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'

const dev = process.argv.includes('--dev')

function ensureEnvFile() {
  if (existsSync('.env') || process.env.PAYLOAD_SECRET) return
  writeFileSync(
    '.env',
    [
      '# Written by the first `npm start`. Keep it secret and keep it: losing these keys',
      '# signs everyone out and makes encrypted provider keys unreadable.',
      `PAYLOAD_SECRET=${randomBytes(32).toString('hex')}`,
      `MODELGATE_ENCRYPTION_KEY=${randomBytes(32).toString('hex')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  console.log('Wrote .env with a generated PAYLOAD_SECRET and MODELGATE_ENCRYPTION_KEY.')
}

ensureEnvFile()
if (existsSync('.env')) process.loadEnvFile('.env')
Object.assign(process.env, { NODE_ENV: dev ? 'development' : 'production' })
// Next would otherwise try to send usage telemetry to the internet.
process.env.NEXT_TELEMETRY_DISABLED ??= '1'

if (!dev) {
  const { ensureBuild } = await import('./build')
  ensureBuild()
}
const { main } = await import('../src/server')
await main()
