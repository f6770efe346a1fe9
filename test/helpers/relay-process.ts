/**
 * A Modelgate server in a process of its own, for suites that need several instances or every
 * line a process logs. Started by test/helpers/processes.ts as
 *   node --import tsx test/helpers/relay-process.ts
 * with the whole configuration in its environment. Serves the relay and REST without Next,
 * prints one line `{"modelgateTestPort":<port>}` once it listens, and shuts down on SIGTERM.
 */
import type { AddressInfo } from 'node:net'

import { startServer } from '../../src/server'

const READY_FIELD = 'modelgateTestPort' // read by processes.ts

let started = false
process.on('exit', (code) => {
  // An empty event loop while starting ends the process with code 0 and no word: say so.
  if (!started) console.error(`relay-process: exited with code ${code} before the server was listening`)
})

async function run() {
  const running = await startServer({ withNext: false, env: process.env })
  started = true
  const { port } = running.server.address() as AddressInfo
  process.stdout.write(`${JSON.stringify({ [READY_FIELD]: port })}\n`)
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    running
      .close()
      .catch((error: unknown) => console.error('close failed', error))
      .finally(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

run().catch((error: unknown) => {
  console.error('relay-process failed to start:', error)
  process.exit(1)
})
