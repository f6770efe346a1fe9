import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

/** The line relay-process.ts prints once it listens. */
const READY_FIELD = 'modelgateTestPort'
const SCRIPT = path.resolve(import.meta.dirname, 'relay-process.ts')
const ROOT = path.resolve(import.meta.dirname, '../..')

export type ServerProcess = {
  baseUrl: string
  port: number
  child: ChildProcess
  /** Everything the process wrote so far, stdout and stderr interleaved as they arrived. */
  output: () => string
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves when it has exited and its output is read. */
  stop: (graceMs?: number) => Promise<void>
}

/** relay-process.ts says this when the process ran out of work before it listened. */
const SILENT_EXIT = 'before the server was listening'

/**
 * Starts test/helpers/relay-process.ts in a child process with exactly `env` (plus PATH and HOME),
 * and resolves once it listens. Rejects with its output when it exits or does not become ready.
 *
 * A start that ends with code 0 and nothing done is tried again (up to `attempts` times): on
 * Node 20 the ESM import of @payloadcms/richtext-lexical now and then never settles under load
 * (`node -e "import('@payloadcms/richtext-lexical')"` never settles at all without tsx), the
 * event loop runs dry and the process ends before it touched the database.
 */
export async function startServerProcess(env: Record<string, string>, { timeoutMs = 120_000, attempts = 3 } = {}): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, timeoutMs)
    } catch (error) {
      const message = (error as Error).message
      if (attempt >= attempts || !message.includes('exited early (code 0') || !message.includes(SILENT_EXIT)) throw error
      console.warn(`server process ended silently while loading (attempt ${attempt} of ${attempts}); starting it again`)
    }
  }
}

function startOnce(env: Record<string, string>, timeoutMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', STAFF_TOTP_REQUIRED: 'false', ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks: string[] = []
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  // Resolves once the process has exited and all it wrote has been read.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  child.stdout!.setEncoding('utf8')
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => chunks.push(chunk))
  const output = () => chunks.join('')

  const stop = async (graceMs = 15_000) => {
    if (!exited) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await closed
      clearTimeout(timer)
    }
    await closed
  }

  return new Promise((resolve, reject) => {
    let pending = ''
    let settled = false
    const fail = (why: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void stop(1_000).then(() => reject(new Error(`${why}\n--- server output ---\n${output()}`)))
    }
    const timer = setTimeout(() => fail(`server process not ready within ${timeoutMs} ms`), timeoutMs)
    // 'close', not 'exit': by then everything it wrote has been read.
    child.once('close', (code, signal) => fail(`server process exited early (code ${code}, signal ${signal})`))
    child.stdout!.on('data', (chunk: string) => {
      chunks.push(chunk)
      if (settled) return
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (!line.includes(READY_FIELD)) continue
        try {
          const port = (JSON.parse(line) as Record<string, number>)[READY_FIELD]
          if (typeof port !== 'number') continue
          settled = true
          clearTimeout(timer)
          resolve({ baseUrl: `http://127.0.0.1:${port}`, port, child, output, stop })
          return
        } catch {
          // Not our line: a log line that happens to mention the field.
        }
      }
    })
  })
}
