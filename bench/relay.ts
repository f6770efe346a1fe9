/**
 * `npm run bench:relay` — what the relay adds on its hot path, measured against a mock upstream,
 * a bare Node passthrough proxy (the limit) and the Portkey gateway, all on 127.0.0.1, each in a
 * process of its own, in one run. A benchmark, not a test: it reports and never fails on a number.
 *
 *   1. latency at concurrency 1, non-stream: added p50/p99 over direct-to-mock
 *   2. requests/s at 32 and 128 concurrent, non-stream (closed loop), CPU per request
 *   3. streams at concurrency 1: added time to first byte and added per-chunk latency
 *   4. concurrent streams: the most with no lost chunk (64 … 2048)
 *   5. resident memory of each process: idle, and peaks under load
 *
 * Results: a table on stdout and bench/results/relay-<date>.json (git-ignored).
 * Settings (environment): BENCH_QUICK=1 (a shorter run), BENCH_SKIP_PORTKEY=1,
 * BENCH_STREAM_LEVELS=64,128,256,512,1024,2048, BENCH_RELAY_CPU_PROF=1 (writes the relay process's
 * .cpuprofile files, one per thread, the largest being the main one, to bench/results/),
 * BENCH_BILLING=off (a free model: no reservation or settlement, to show what billing costs; by
 * default the model is priced and every request reserves and settles money).
 */
import { setMaxListeners } from 'node:events'
import { readFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {
  RESULTS,
  ROOT,
  SERVER_NODE_FLAGS,
  childEnv,
  cpuMs,
  freePort,
  machineCpu,
  relayTarget,
  rssMiB,
  runStamp,
  startJsonChild,
  startPlainChild,
  withRssPeaks,
  type Child,
} from './relay-procs'
import {
  chatBody,
  closedLoop,
  completion,
  mean,
  newPool,
  percentile,
  stream,
  type StreamResult,
  type Target,
} from './relay-load'

const QUICK = process.env.BENCH_QUICK === '1'
const SKIP_PORTKEY = process.env.BENCH_SKIP_PORTKEY === '1'
const PROFILE = process.env.BENCH_RELAY_CPU_PROF === '1'
const BILLING = process.env.BENCH_BILLING === 'off' ? 'off' : 'on'

const PLAN = {
  // Long enough for V8 to have optimised every process's hot code: after 600 requests the first
  // latency round still ran 3–5× the CPU per request of the second, in every process.
  warmup: { requests: QUICK ? 3000 : 6000, concurrency: 8, streams: QUICK ? 8 : 30 },
  latency: { rounds: QUICK ? 2 : 5, perRound: QUICK ? 200 : 400 },
  throughput: { concurrencies: [32, 128], rounds: QUICK ? 1 : 2, warmMs: 1000, measureMs: QUICK ? 2000 : 4000 },
  streams: { rounds: QUICK ? 1 : 3, perRound: QUICK ? 10 : 20, chunks: 20, gapMs: 5 },
  concurrentStreams: {
    levels: (process.env.BENCH_STREAM_LEVELS ?? (QUICK ? '64,512' : '64,128,256,512,1024,2048')).split(',').map(Number),
    chunks: 20,
    gapMs: 20,
    timeoutMs: 60_000,
  },
}
const TARGET_GOALS = { addedP99Ms: 1, ofBare: 0.6, timesPortkey: 5, streams: 512 }

const stamp = runStamp()
mkdirSync(RESULTS, { recursive: true })
const logFile = (name: string) => path.join(RESULTS, `relay-${stamp}.${name}.log`)
const say = (line: string) => console.log(line)
const round2 = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null)
const round3 = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null)

// ---------------------------------------------------------------------------------------------
// Processes

function portkeyVersion(): string | undefined {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@portkey-ai/gateway/package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

async function startPortkey(mockPort: number): Promise<{ child?: Child; target?: Target; note?: string }> {
  if (SKIP_PORTKEY) return { note: 'skipped (BENCH_SKIP_PORTKEY=1)' }
  const entry = path.join(ROOT, 'node_modules/@portkey-ai/gateway/build/start-server.js')
  if (!existsSync(entry)) return { note: '@portkey-ai/gateway is not installed (npm install)' }
  const port = await freePort()
  try {
    const child = await startPlainChild('portkey', ['--import', path.join(ROOT, 'bench/relay-portkey-preload.mjs'), entry, `--port=${port}`, '--headless'], {
      cwd: RESULTS,
      env: childEnv({}),
      logFile: logFile('portkey'),
      ready: async () => (await fetch(`http://127.0.0.1:${port}/`)).ok,
    })
    const target: Target = {
      name: 'portkey',
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/chat/completions',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-bench-upstream',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `http://127.0.0.1:${mockPort}/v1`,
      },
      pid: child.pid,
      sent: 0,
    }
    return { child, target }
  } catch (error) {
    return { note: `could not start: ${(error as Error).message.split('\n')[0]}` }
  }
}

type RelayStats = { usagePending: number; usageRows: number; loopDelayP99Ms: number; loopDelayMaxMs: number }

function askRelay(relay: Child, { flush = false, reset = false } = {}): Promise<RelayStats | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      relay.child.off('message', onMessage)
      resolve(undefined)
    }, 120_000)
    const onMessage = (message: RelayStats & { type?: string }) => {
      if (message?.type !== 'stats') return
      clearTimeout(timer)
      relay.child.off('message', onMessage)
      resolve(message)
    }
    relay.child.on('message', onMessage)
    relay.child.send({ type: 'stats', flush, reset })
  })
}

// ---------------------------------------------------------------------------------------------
// Phases

const NONSTREAM_BODY = chatBody('bench-s0-g0', false)

/** Warms every target up; returns why each target that failed did (the caller decides whether to go on). */
async function warmUp(targets: Target[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>()
  for (const target of targets) {
    const pool = newPool(target, PLAN.warmup.concurrency)
    try {
      let left = PLAN.warmup.requests
      await Promise.all(
        Array.from({ length: PLAN.warmup.concurrency }, async () => {
          while (left-- > 0) await completion(pool, target, NONSTREAM_BODY)
        }),
      )
      const body = chatBody(`bench-s${PLAN.streams.chunks}-g0`, true)
      for (let i = 0; i < PLAN.warmup.streams; i++) {
        const result = await stream(pool, target, body, PLAN.streams.chunks)
        if (!result.ok) throw new Error(`warm-up stream failed: ${result.error}`)
      }
    } catch (error) {
      failures.set(target.name, (error as Error).message.split('\n')[0]!.slice(0, 300))
    } finally {
      await pool.destroy()
    }
  }
  return failures
}

/**
 * Between two targets' turns at concurrency 1: the relay writes the usage of the turn it just had
 * (else its batch lands in the next target's samples, about a second later) and every process
 * gets a moment of quiet. The relay's own batches during its turn still count against it.
 */
async function quiesce(target: Target, relay: Child) {
  if (target.name === 'relay') await askRelay(relay, { flush: true })
  await new Promise((resolve) => setTimeout(resolve, 300))
}

async function latencyAtOne(targets: Target[], relay: Child) {
  const samples = new Map(targets.map((t) => [t.name, [] as number[]]))
  for (let round = 0; round < PLAN.latency.rounds; round++) {
    for (const target of targets) {
      const pool = newPool(target, 1)
      await completion(pool, target, NONSTREAM_BODY) // opens the connection outside the sample
      for (let i = 0; i < PLAN.latency.perRound; i++) samples.get(target.name)!.push(await completion(pool, target, NONSTREAM_BODY))
      await pool.close()
      await quiesce(target, relay)
    }
  }
  const direct = samples.get('direct')!
  return Object.fromEntries(
    targets.map((t) => {
      const s = samples.get(t.name)!
      return [
        t.name,
        {
          requests: s.length,
          p50Ms: round3(percentile(s, 50)),
          p90Ms: round3(percentile(s, 90)),
          p99Ms: round3(percentile(s, 99)),
          meanMs: round3(mean(s)),
          addedP50Ms: round3(percentile(s, 50) - percentile(direct, 50)),
          addedP99Ms: round3(percentile(s, 99) - percentile(direct, 99)),
        },
      ]
    }),
  )
}

type ThroughputRow = {
  rps: number | null
  completed: number
  errors: number
  firstError?: string
  p50Ms: number | null
  p99Ms: number | null
  cpuUsPerRequest: number | null
  machineBusyPct: number | null
  peakRssMiB: number | null
}

async function throughput(targets: Target[], concurrency: number, relay: Child): Promise<Record<string, ThroughputRow & { usageBacklogAfter?: number; eventLoopDelayP99Ms?: number | null; eventLoopDelayMaxMs?: number | null }>> {
  const acc = new Map(targets.map((t) => [t.name, { completed: 0, errors: 0, seconds: 0, latencies: [] as number[], cpu: 0, busy: 0, total: 0, peak: 0, firstError: undefined as string | undefined }]))
  const backlog: number[] = []
  let loopP99 = 0
  let loopMax = 0
  for (let round = 0; round < PLAN.throughput.rounds; round++) {
    for (const target of targets) {
      const a = acc.get(target.name)!
      let cpuOpen = 0
      let machineOpen = { busy: 0, total: 0 }
      if (target.name === 'relay') await askRelay(relay, { reset: true })
      const { result, peakMiB } = await withRssPeaks([target.pid], () =>
        closedLoop(target, {
          concurrency,
          warmMs: PLAN.throughput.warmMs,
          measureMs: PLAN.throughput.measureMs,
          body: NONSTREAM_BODY,
          atWindow: (edge) => {
            if (edge === 'open') {
              cpuOpen = cpuMs(target.pid)
              machineOpen = machineCpu()
            } else {
              a.cpu += cpuMs(target.pid) - cpuOpen
              const m = machineCpu()
              a.busy += m.busy - machineOpen.busy
              a.total += m.total - machineOpen.total
            }
          },
        }),
      )
      a.completed += result.completed
      a.errors += result.errors
      a.firstError ??= result.firstError
      a.seconds += result.seconds
      for (const ms of result.latencies) a.latencies.push(ms)
      a.peak = Math.max(a.peak, peakMiB.get(target.pid) ?? 0)
      if (target.name === 'relay') {
        const stats = await askRelay(relay)
        backlog.push(stats?.usagePending ?? NaN)
        loopP99 = Math.max(loopP99, stats?.loopDelayP99Ms ?? NaN)
        loopMax = Math.max(loopMax, stats?.loopDelayMaxMs ?? NaN)
      }
    }
  }
  return Object.fromEntries(
    targets.map((t) => {
      const a = acc.get(t.name)!
      const row: ThroughputRow & { usageBacklogAfter?: number; eventLoopDelayP99Ms?: number | null; eventLoopDelayMaxMs?: number | null } = {
        rps: round2(a.completed / a.seconds),
        completed: a.completed,
        errors: a.errors,
        ...(a.firstError ? { firstError: a.firstError } : {}),
        p50Ms: round2(percentile(a.latencies, 50)),
        p99Ms: round2(percentile(a.latencies, 99)),
        cpuUsPerRequest: round2((a.cpu * 1000) / a.completed),
        machineBusyPct: round2((100 * a.busy) / a.total),
        peakRssMiB: round2(a.peak),
      }
      if (t.name === 'relay') Object.assign(row, { usageBacklogAfter: Math.max(...backlog), eventLoopDelayP99Ms: round2(loopP99), eventLoopDelayMaxMs: round2(loopMax) })
      return [t.name, row]
    }),
  )
}

function streamSummary(results: StreamResult[]) {
  const ttfb = results.map((r) => r.ttfbMs)
  const chunks = results.flatMap((r) => r.chunkMs)
  return {
    streams: results.length,
    failed: results.filter((r) => !r.ok).length,
    lostChunks: results.reduce((sum, r) => sum + r.lostChunks, 0),
    ttfbP50Ms: percentile(ttfb, 50),
    ttfbP99Ms: percentile(ttfb, 99),
    chunkP50Ms: percentile(chunks, 50),
    chunkP99Ms: percentile(chunks, 99),
    chunkMeanMs: mean(chunks),
    firstError: results.find((r) => r.error)?.error,
  }
}

async function streamsAtOne(targets: Target[], relay: Child) {
  const body = chatBody(`bench-s${PLAN.streams.chunks}-g${PLAN.streams.gapMs}`, true)
  const samples = new Map(targets.map((t) => [t.name, [] as StreamResult[]]))
  for (let round = 0; round < PLAN.streams.rounds; round++) {
    for (const target of targets) {
      const pool = newPool(target, 1)
      await completion(pool, target, NONSTREAM_BODY)
      for (let i = 0; i < PLAN.streams.perRound; i++) samples.get(target.name)!.push(await stream(pool, target, body, PLAN.streams.chunks))
      await pool.close()
      await quiesce(target, relay)
    }
  }
  const direct = streamSummary(samples.get('direct')!)
  return Object.fromEntries(
    targets.map((t) => {
      const s = streamSummary(samples.get(t.name)!)
      return [
        t.name,
        {
          streams: s.streams,
          failed: s.failed,
          lostChunks: s.lostChunks,
          ttfbP50Ms: round3(s.ttfbP50Ms),
          ttfbP99Ms: round3(s.ttfbP99Ms),
          addedTtfbP50Ms: round3(s.ttfbP50Ms - direct.ttfbP50Ms),
          addedTtfbP99Ms: round3(s.ttfbP99Ms - direct.ttfbP99Ms),
          chunkP50Ms: round3(s.chunkP50Ms),
          chunkP99Ms: round3(s.chunkP99Ms),
          addedChunkP50Ms: round3(s.chunkP50Ms - direct.chunkP50Ms),
          addedChunkP99Ms: round3(s.chunkP99Ms - direct.chunkP99Ms),
          addedChunkMeanMs: round3(s.chunkMeanMs - direct.chunkMeanMs),
          ...(s.firstError ? { firstError: s.firstError } : {}),
        },
      ]
    }),
  )
}

async function concurrentStreams(targets: Target[]) {
  const { chunks, gapMs, levels, timeoutMs } = PLAN.concurrentStreams
  const body = chatBody(`bench-s${chunks}-g${gapMs}`, true)
  const out: Record<string, { levels: Record<string, unknown>[]; maxWithoutLoss: number }> = Object.fromEntries(
    targets.map((t) => [t.name, { levels: [], maxWithoutLoss: 0 }]),
  )
  const failed = new Set<string>()
  for (const n of levels) {
    for (const target of targets) {
      if (failed.has(target.name)) continue
      const pool = newPool(target, n)
      const signal = AbortSignal.timeout(timeoutMs)
      setMaxListeners(n + 10, signal) // one listener per stream of this level
      const started = performance.now()
      const { result, peakMiB } = await withRssPeaks([target.pid], () => Promise.all(Array.from({ length: n }, () => stream(pool, target, body, chunks, signal))))
      const seconds = (performance.now() - started) / 1000
      await pool.destroy()
      const s = streamSummary(result)
      const ok = s.failed === 0 && s.lostChunks === 0
      out[target.name]!.levels.push({
        concurrent: n,
        ok,
        failedStreams: s.failed,
        lostChunks: s.lostChunks,
        seconds: round2(seconds),
        ttfbP50Ms: round2(s.ttfbP50Ms),
        ttfbP99Ms: round2(s.ttfbP99Ms),
        chunkP50Ms: round2(s.chunkP50Ms),
        chunkP99Ms: round2(s.chunkP99Ms),
        peakRssMiB: round2(peakMiB.get(target.pid) ?? NaN),
        ...(s.firstError ? { firstError: s.firstError } : {}),
      })
      if (ok) out[target.name]!.maxWithoutLoss = n
      else failed.add(target.name)
      // Let the sockets of this level close before the next one.
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  return out
}

/** Whether the relay lost a chunk at some level (then a lower maximum is a miss, not a gap in the plan). */
const relayFailedBelow = (levels: Record<string, unknown>[]) => levels.some((level) => level.ok === false)

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: unknown, digits = 2) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : '—')
const pad = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
function table(title: string, head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  say(`\n${title}`)
  say(pad(head, widths))
  say(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) say(pad(row, widths))
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now()
  const loadAverageAtStart = os.loadavg()
  const cpus = os.cpus()
  say(`Modelgate relay benchmark — ${cpus.length} cores (${cpus[0]?.model.trim()}), Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}${QUICK ? ' — QUICK run' : ''}${BILLING === 'off' ? ' — billing off (free model)' : ''}`)
  say('Starting the mock upstream, the bare proxy, Portkey and the relay …')

  const children: Child[] = []
  const stopAll = async () => {
    await Promise.all(children.map((c) => c.stop().catch(() => undefined)))
  }
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)))

  try {
    const mock = await startJsonChild('mock', ['--import', 'tsx', 'bench/relay-mock-upstream.ts'], { cwd: ROOT, env: childEnv({}), logFile: logFile('mock') })
    children.push(mock)
    const mockPort = mock.info.port as number
    const bare = await startJsonChild('bare', ['--import', 'tsx', 'bench/relay-bare-proxy.ts'], {
      cwd: ROOT,
      env: childEnv({ UPSTREAM: `http://127.0.0.1:${mockPort}` }),
      logFile: logFile('bare'),
    })
    children.push(bare)
    const relay = await startJsonChild(
      'relay',
      [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', path.join(RESULTS, `relay-${stamp}.cpuprofiles`)] : []), ...SERVER_NODE_FLAGS, '--import', 'tsx', 'bench/relay-server.ts'],
      {
        cwd: ROOT,
        env: childEnv({ UPSTREAM_BASE_URL: `http://127.0.0.1:${mockPort}/v1`, BENCH_BILLING: BILLING }),
        logFile: logFile('relay'),
        ipc: true,
      },
    )
    children.push(relay)
    const portkey = await startPortkey(mockPort)
    if (portkey.child) children.push(portkey.child)
    const version = portkeyVersion()
    say(`Portkey ${version ?? '(not installed)'}: ${portkey.target ? `running (pid ${portkey.child!.pid})` : portkey.note}`)

    const json = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-upstream' }
    let targets: Target[] = [
      { name: 'direct', origin: `http://127.0.0.1:${mockPort}`, path: '/v1/chat/completions', headers: json, pid: mock.pid, sent: 0 },
      { name: 'bare', origin: `http://127.0.0.1:${bare.info.port}`, path: '/v1/chat/completions', headers: json, pid: bare.pid, sent: 0 },
      ...(portkey.target ? [portkey.target] : []),
      relayTarget('relay', relay),
    ]
    const byName = (name: string) => targets.find((t) => t.name === name)
    const rssAtStart = Object.fromEntries(targets.map((t) => [t.name, round2(rssMiB(t.pid))]))

    say('Warming up …')
    const failures = await warmUp(targets)
    for (const [name, why] of failures) {
      if (name !== 'portkey') throw new Error(`${name} failed during warm-up: ${why}`)
      portkey.note = `failed during warm-up, left out: ${why}`
      portkey.target = undefined
      targets = targets.filter((t) => t.name !== 'portkey')
      say(`Portkey ${portkey.note}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const rssIdle = Object.fromEntries(targets.map((t) => [t.name, round2(rssMiB(t.pid))]))

    say(`Latency at concurrency 1 (${PLAN.latency.rounds} × ${PLAN.latency.perRound} requests per target) …`)
    const latency = await latencyAtOne(targets, relay)

    const throughputs: Record<string, Awaited<ReturnType<typeof throughput>>> = {}
    for (const c of PLAN.throughput.concurrencies) {
      say(`Throughput at ${c} concurrent (${PLAN.throughput.rounds} × ${PLAN.throughput.measureMs / 1000} s per target) …`)
      throughputs[`c${c}`] = await throughput(targets, c, relay)
    }

    say(`Streams at concurrency 1 (${PLAN.streams.rounds * PLAN.streams.perRound} per target, ${PLAN.streams.chunks} chunks ${PLAN.streams.gapMs} ms apart) …`)
    const streams = await streamsAtOne(targets, relay)

    say(`Concurrent streams (${PLAN.concurrentStreams.levels.join(', ')}; ${PLAN.concurrentStreams.chunks} chunks ${PLAN.concurrentStreams.gapMs} ms apart) …`)
    const concurrent = await withRssPeaks(
      targets.map((t) => t.pid),
      () => concurrentStreams(targets),
    )

    await new Promise((resolve) => setTimeout(resolve, 2000))
    const rssAfter = Object.fromEntries(targets.map((t) => [t.name, round2(rssMiB(t.pid))]))
    const usage = await askRelay(relay, { flush: true })

    // ----- targets
    const r = byName('relay')!.name
    const addedP99 = latency[r]!.addedP99Ms ?? NaN
    const goals: { goal: string; value: string; met: boolean | null }[] = [
      { goal: `added p99 at concurrency 1 ≤ ${TARGET_GOALS.addedP99Ms} ms`, value: `${fmt(addedP99, 3)} ms`, met: addedP99 <= TARGET_GOALS.addedP99Ms },
    ]
    for (const c of PLAN.throughput.concurrencies) {
      const row = throughputs[`c${c}`]!
      const ofBare = (row.relay!.rps ?? 0) / (row.bare!.rps ?? NaN)
      goals.push({ goal: `requests/s at ${c} ≥ ${TARGET_GOALS.ofBare * 100}% of the bare proxy`, value: `${fmt(ofBare * 100, 1)}%`, met: ofBare >= TARGET_GOALS.ofBare })
      const pk = row.portkey?.rps
      const timesPortkey = pk ? (row.relay!.rps ?? 0) / pk : NaN
      goals.push({
        goal: `requests/s at ${c} ≥ ${TARGET_GOALS.timesPortkey}× Portkey`,
        value: pk ? `${fmt(timesPortkey, 2)}×` : 'not measured',
        met: pk ? timesPortkey >= TARGET_GOALS.timesPortkey : null,
      })
    }
    const maxStreams = concurrent.result.relay!.maxWithoutLoss
    const triedEnough = Math.max(...PLAN.concurrentStreams.levels) >= TARGET_GOALS.streams
    goals.push({
      goal: `${TARGET_GOALS.streams} concurrent streams with no lost chunk`,
      value: `no loss up to ${maxStreams} (tried ${PLAN.concurrentStreams.levels.join(', ')})`,
      met: maxStreams >= TARGET_GOALS.streams ? true : triedEnough || relayFailedBelow(concurrent.result.relay!.levels) ? false : null,
    })

    const memory = Object.fromEntries(
      targets.map((t) => [
        t.name,
        {
          atStartMiB: rssAtStart[t.name],
          idleMiB: rssIdle[t.name],
          peakNonStreamMiB: round2(Math.max(...PLAN.throughput.concurrencies.map((c) => throughputs[`c${c}`]![t.name]!.peakRssMiB ?? 0))),
          peakStreamsMiB: round2(concurrent.peakMiB.get(t.pid) ?? NaN),
          afterMiB: rssAfter[t.name],
        },
      ]),
    )

    const report = {
      benchmark: 'relay',
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: { cores: cpus.length, cpu: cpus[0]?.model.trim(), memoryGiB: round2(os.totalmem() / 2 ** 30), node: process.version, loadAverageAtStart, loadAverageAtEnd: os.loadavg() },
      portkey: { version, running: Boolean(portkey.target), ...(portkey.note ? { note: portkey.note } : {}) },
      plan: PLAN,
      billing: BILLING,
      latency,
      throughput: throughputs,
      streams,
      concurrentStreams: concurrent.result,
      memory,
      usageLogs: { relayRequestsSent: byName('relay')!.sent, rowsWritten: usage?.usageRows, pendingBeforeFinalFlush: usage?.usagePending },
      goals,
    }
    const out = path.join(RESULTS, `relay-${stamp}.json`)
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)

    // ----- tables
    const names = targets.map((t) => t.name)
    table(
      'Non-stream latency, concurrency 1 (ms; added = minus direct-to-mock)',
      ['target', 'p50', 'p90', 'p99', 'mean', 'added p50', 'added p99'],
      names.map((n) => {
        const l = latency[n]!
        return [n, fmt(l.p50Ms, 3), fmt(l.p90Ms, 3), fmt(l.p99Ms, 3), fmt(l.meanMs, 3), n === 'direct' ? '' : fmt(l.addedP50Ms, 3), n === 'direct' ? '' : fmt(l.addedP99Ms, 3)]
      }),
    )
    for (const c of PLAN.throughput.concurrencies) {
      const row = throughputs[`c${c}`]!
      table(
        `Non-stream throughput, ${c} concurrent (closed loop)`,
        ['target', 'req/s', 'vs direct', 'vs bare', 'p50 ms', 'p99 ms', 'CPU µs/req', 'box busy', 'errors'],
        names.map((n) => {
          const t = row[n]!
          return [
            n,
            fmt(t.rps, 0),
            `${fmt(((t.rps ?? 0) / (row.direct!.rps ?? NaN)) * 100, 0)}%`,
            `${fmt(((t.rps ?? 0) / (row.bare!.rps ?? NaN)) * 100, 0)}%`,
            fmt(t.p50Ms),
            fmt(t.p99Ms),
            fmt(t.cpuUsPerRequest, 0),
            `${fmt(t.machineBusyPct, 0)}%`,
            String(t.errors),
          ]
        }),
      )
    }
    table(
      `Streams, concurrency 1 (${PLAN.streams.chunks} chunks ${PLAN.streams.gapMs} ms apart; ms)`,
      ['target', 'TTFB p50', 'added TTFB p50', 'added TTFB p99', 'chunk p50', 'added chunk p50', 'added chunk p99', 'lost'],
      names.map((n) => {
        const s = streams[n]!
        const d = n === 'direct'
        return [n, fmt(s.ttfbP50Ms, 3), d ? '' : fmt(s.addedTtfbP50Ms, 3), d ? '' : fmt(s.addedTtfbP99Ms, 3), fmt(s.chunkP50Ms, 3), d ? '' : fmt(s.addedChunkP50Ms, 3), d ? '' : fmt(s.addedChunkP99Ms, 3), String(s.lostChunks)]
      }),
    )
    table(
      `Concurrent streams (${PLAN.concurrentStreams.chunks} chunks ${PLAN.concurrentStreams.gapMs} ms apart): failed streams/lost chunks · TTFB p99 ms · chunk latency p99 ms`,
      ['target', ...PLAN.concurrentStreams.levels.map(String), 'most without loss'],
      names.map((n) => {
        const levels = concurrent.result[n]!.levels as { concurrent: number; failedStreams: number; lostChunks: number; ttfbP99Ms: number; chunkP99Ms: number }[]
        return [
          n,
          ...PLAN.concurrentStreams.levels.map((level) => {
            const l = levels.find((x) => x.concurrent === level)
            return l ? `${l.failedStreams}/${l.lostChunks} · ${fmt(l.ttfbP99Ms, 0)} · ${fmt(l.chunkP99Ms, 0)}` : '—'
          }),
          String(concurrent.result[n]!.maxWithoutLoss),
        ]
      }),
    )
    table(
      'Resident memory (VmRSS, MiB)',
      ['target', 'at start', 'idle (warm)', 'peak non-stream', 'peak streams', 'after'],
      names.map((n) => {
        const m = memory[n]!
        return [n, fmt(m.atStartMiB, 1), fmt(m.idleMiB, 1), fmt(m.peakNonStreamMiB, 1), fmt(m.peakStreamsMiB, 1), fmt(m.afterMiB, 1)]
      }),
    )
    const relayRows = PLAN.throughput.concurrencies.map((c) => throughputs[`c${c}`]!.relay!)
    say(
      `\nRelay usage log: ${usage?.usageRows ?? '?'} rows written for ${byName('relay')!.sent} relay requests; largest backlog right after a throughput run: ${Math.max(...relayRows.map((row) => row.usageBacklogAfter ?? 0))}; ` +
        `event-loop delay during the throughput runs: p99 ${fmt(Math.max(...relayRows.map((row) => row.eventLoopDelayP99Ms ?? NaN)), 1)} ms, max ${fmt(Math.max(...relayRows.map((row) => row.eventLoopDelayMaxMs ?? NaN)), 1)} ms`,
    )
    say(`\nTargets (Portkey ${version ?? '—'}${portkey.target ? '' : `: ${portkey.note}`})`)
    for (const g of goals) say(`  ${g.met === null ? '–' : g.met ? '✓' : '✗'} ${g.goal}: ${g.value}`)
    say(`\nWritten ${path.relative(ROOT, out)} (${report.durationSeconds} s)`)
  } finally {
    await stopAll()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error)
    process.exit(1)
  },
)
