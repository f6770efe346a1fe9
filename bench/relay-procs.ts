/**
 * Child processes of the relay benchmark and what /proc says about them (resident memory, CPU).
 * Every system under test runs in a process of its own, so its memory is its own and it does
 * not share an event loop with the load generator.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { EPOCH, type Target } from './relay-load'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Where runs write their reports and logs (git-ignored). */
export const RESULTS = path.join(ROOT, 'bench', 'results')

/** A run's name in file names: its start time, e.g. 2026-11-30T09-33-49Z. */
export const runStamp = () => new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')

/** The V8 flags `npm start` gives the server (package.json), so the relay is measured as operators run it. */
export const SERVER_NODE_FLAGS = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string).match(/--max-semi-space-size=\d+/g) ?? []

/** A small clean environment: nothing of the caller's (proxies, NODE_OPTIONS, …) leaks into the measurement. */
export const childEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: process.env.TMPDIR,
  NODE_ENV: 'production',
  BENCH_EPOCH: String(EPOCH),
  ...extra,
})

export type Child = {
  name: string
  child: ChildProcess
  pid: number
  /** The JSON line the child printed when ready (port, …). */
  info: Record<string, unknown>
  stop: () => Promise<void>
}

const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

function tail(file: string, bytes = 2000): string {
  try {
    const text = readFileSync(file, 'utf8')
    return text.slice(-bytes)
  } catch {
    return ''
  }
}

function stopper(child: ChildProcess, graceMs = 15_000) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      child.once('exit', () => {
        clearTimeout(timer)
        children.delete(child)
        resolve()
      })
      child.kill('SIGTERM')
    })
}

/**
 * Starts `node <args>` and waits for the first stdout line that is a JSON object with a `port`.
 * stderr (and any other stdout) goes to `logFile`. stdin stays open: the child exits when it closes.
 */
export async function startJsonChild(
  name: string,
  args: string[],
  { env, cwd, logFile, ipc = false, timeoutMs = 180_000 }: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; ipc?: boolean; timeoutMs?: number },
): Promise<Child> {
  const log = openSync(logFile, 'a')
  const child = spawn(process.execPath, args, { cwd, env, stdio: ipc ? ['pipe', 'pipe', log, 'ipc'] : ['pipe', 'pipe', log] })
  children.add(child)
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s. Log tail:\n${tail(logFile)}`)), timeoutMs)
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited during start (code ${code}, signal ${signal}). Log tail:\n${tail(logFile)}`))
    }
    child.once('exit', onExit)
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (text: string) => {
      buffer += text
      let newline
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline).trim()
        buffer = buffer.slice(newline + 1)
        if (line.startsWith('{')) {
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>
            if (typeof parsed.port === 'number') {
              clearTimeout(timer)
              child.off('exit', onExit)
              return resolve(parsed)
            }
          } catch {
            // not our line
          }
        }
      }
    })
  })
  // Keep draining stdout so a chatty child never blocks on a full pipe.
  child.stdout!.resume()
  return { name, child, pid: child.pid!, info, stop: stopper(child) }
}

/** A relay started from bench/relay-server.ts, as a load target (its ready line gives the port and the API key). */
export function relayTarget(name: string, relay: Child): Target {
  return {
    name,
    origin: `http://127.0.0.1:${relay.info.port}`,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${relay.info.apiKey}` },
    pid: relay.pid,
    sent: 0,
  }
}

/** Starts a plain process that prints whatever it likes (to `logFile`) and is ready when `ready()` says so. */
export async function startPlainChild(
  name: string,
  args: string[],
  { env, cwd, logFile, ready, timeoutMs = 60_000 }: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; ready: () => Promise<boolean>; timeoutMs?: number },
): Promise<Child> {
  const log = openSync(logFile, 'a')
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', log, log] })
  children.add(child)
  let exited: string | undefined
  child.once('exit', (code, signal) => {
    exited = `code ${code}, signal ${signal}`
  })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (exited) throw new Error(`${name} exited during start (${exited}). Log tail:\n${tail(logFile)}`)
    if (await ready().catch(() => false)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} did not become ready within ${timeoutMs / 1000} s. Log tail:\n${tail(logFile)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { name, child, pid: child.pid!, info: {}, stop: stopper(child, 5000) }
}

/** A port that was free a moment ago on 127.0.0.1 (for a program that must be told its port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

let ticksPerSecond = 100
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
} catch {
  // Linux's usual value
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return NaN
  }
}

/** Samples the RSS of some processes every `everyMs` while `work` runs; returns its result and each peak. */
export async function withRssPeaks<T>(pids: number[], work: () => Promise<T>, everyMs = 100): Promise<{ result: T; peakMiB: Map<number, number> }> {
  const peakMiB = new Map<number, number>()
  const sample = () => {
    for (const pid of pids) {
      const rss = rssMiB(pid)
      if (!Number.isNaN(rss)) peakMiB.set(pid, Math.max(peakMiB.get(pid) ?? 0, rss))
    }
  }
  sample()
  const timer = setInterval(sample, everyMs)
  try {
    const result = await work()
    sample()
    return { result, peakMiB }
  } finally {
    clearInterval(timer)
  }
}

/** The whole machine's CPU counters from /proc/stat: busy and total jiffies since boot. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const values = line.trim().split(/\s+/).slice(1).map(Number)
  const total = values.reduce((a, b) => a + b, 0)
  const idle = (values[3] ?? 0) + (values[4] ?? 0)
  return { busy: total - idle, total }
}
