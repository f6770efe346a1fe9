/**
 * `npm run bench:relay-ab -- <git ref>` — the relay of an earlier commit against the relay of the
 * working tree, under the same load, taking turns. Full runs of `npm run bench:relay` minutes apart
 * differ by a third on a shared machine; two relays measured in alternation see the same machine,
 * so a change of a few percent in CPU per request shows.
 *
 * One mock upstream; the relay of `<ref>` (a git worktree made for the run and removed after it,
 * with this checkout's node_modules) and the relay of the working tree, each in its own process on
 * its own SQLite file, billing on, warmed up alike. Each round gives each side a closed loop of
 * BENCH_AB_SECONDS (4) at BENCH_AB_CONCURRENCY (32), the side going first changing every round.
 * Rounds: the second argument or BENCH_AB_ROUNDS (6). Prints each turn's requests/s and CPU per
 * request (all the process's threads), the means, and in how many rounds each side used less CPU.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { chatBody, closedLoop, mean, type Target } from './relay-load'
import { RESULTS, ROOT, SERVER_NODE_FLAGS, childEnv, cpuMs, relayTarget, runStamp, startJsonChild, type Child } from './relay-procs'

const ref = process.argv[2]
if (!ref) {
  console.error('Usage: npm run bench:relay-ab -- <git ref> [rounds]   (e.g. HEAD~1, a commit, a branch)')
  process.exit(2)
}
const ROUNDS = Number(process.argv[3] ?? process.env.BENCH_AB_ROUNDS ?? 6)
const CONCURRENCY = Number(process.env.BENCH_AB_CONCURRENCY ?? 32)
const MEASURE_MS = Number(process.env.BENCH_AB_SECONDS ?? 4) * 1000
const BODY = chatBody('bench-ab', false)

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()

type Turn = { rps: number; cpuUsPerRequest: number; errors: number }

async function startRelay(name: string, cwd: string, mockPort: number, logFile: string): Promise<{ child: Child; target: Target }> {
  const child = await startJsonChild(name, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'bench/relay-server.ts'], {
    cwd,
    env: childEnv({ UPSTREAM_BASE_URL: `http://127.0.0.1:${mockPort}/v1` }),
    logFile,
  })
  return { child, target: relayTarget(name, child) }
}

/** One closed loop; CPU is read when the measured window opens and closes. */
async function turn(target: Target, concurrency: number, measureMs: number): Promise<Turn> {
  let cpuAtOpen = 0
  let cpu = 0
  const result = await closedLoop(target, {
    concurrency,
    warmMs: 500,
    measureMs,
    body: BODY,
    atWindow: (edge) => {
      if (edge === 'open') cpuAtOpen = cpuMs(target.pid)
      else cpu = cpuMs(target.pid) - cpuAtOpen
    },
  })
  return { rps: result.completed / result.seconds, cpuUsPerRequest: (cpu * 1000) / result.completed, errors: result.errors }
}

const pct = (after: number, before: number) => `${after >= before ? '+' : ''}${((100 * (after - before)) / before).toFixed(1)}%`

async function main() {
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`)
  const short = sha.slice(0, 8)
  const stamp = runStamp()
  mkdirSync(RESULTS, { recursive: true })
  const logFile = (name: string) => path.join(RESULTS, `relay-ab-${stamp}.${name}.log`)
  const worktree = mkdtempSync(path.join(os.tmpdir(), 'modelgate-ab-'))
  git('worktree', 'add', '--detach', worktree, sha)
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(worktree, 'node_modules'))
  const children: Child[] = []
  // Once: an interrupt and the `finally` below can both get here, and the worktree goes only once.
  let cleaning: Promise<void> | undefined
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await Promise.all(children.map((child) => child.stop().catch(() => undefined)))
      git('worktree', 'remove', '--force', worktree)
    })())
  // `on`, not `once`: Ctrl-C reaches this process from the terminal and again through tsx.
  process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)))
  try {
    console.log(`Relay A/B: ${ref} (${short}) against the working tree — ${os.cpus().length} cores, Node ${process.version}`)
    const mock = await startJsonChild('mock', ['--import', 'tsx', 'bench/relay-mock-upstream.ts'], { cwd: ROOT, env: childEnv({}), logFile: logFile('mock') })
    children.push(mock)
    const mockPort = mock.info.port as number
    const before = await startRelay(`before (${short})`, worktree, mockPort, logFile('before'))
    children.push(before.child)
    const after = await startRelay('after (working tree)', ROOT, mockPort, logFile('after'))
    children.push(after.child)
    const sides = [before.target, after.target]

    console.log('Warming up …')
    for (let i = 0; i < 2; i++) for (const side of sides) await turn(side, 8, 3000)

    console.log(`${ROUNDS} rounds of ${MEASURE_MS / 1000} s per side at ${CONCURRENCY} concurrent:`)
    const turns = new Map(sides.map((side) => [side.name, [] as Turn[]]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const t = await turn(side, CONCURRENCY, MEASURE_MS)
        turns.get(side.name)!.push(t)
        const errors = t.errors ? `, ${t.errors} errors` : ''
        console.log(`  round ${round + 1}  ${side.name.padEnd(22)} ${Math.round(t.rps).toString().padStart(6)} req/s  ${t.cpuUsPerRequest.toFixed(1).padStart(6)} µs CPU per request${errors}`)
      }
    }
    const [a, b] = sides.map((side) => turns.get(side.name)!)
    const cpuA = mean(a!.map((t) => t.cpuUsPerRequest))
    const cpuB = mean(b!.map((t) => t.cpuUsPerRequest))
    const rpsA = mean(a!.map((t) => t.rps))
    const rpsB = mean(b!.map((t) => t.rps))
    const afterWins = b!.filter((t, i) => t.cpuUsPerRequest < a![i]!.cpuUsPerRequest).length
    console.log(`\nMean CPU per request: ${cpuA.toFixed(1)} µs before, ${cpuB.toFixed(1)} µs after (${pct(cpuB, cpuA)}); less CPU after in ${afterWins} of ${ROUNDS} rounds`)
    console.log(`Mean requests/s: ${Math.round(rpsA)} before, ${Math.round(rpsB)} after (${pct(rpsB, rpsA)})`)
    const out = path.join(RESULTS, `relay-ab-${stamp}.json`)
    writeFileSync(out, JSON.stringify({ ref, sha, concurrency: CONCURRENCY, measureMs: MEASURE_MS, before: a, after: b }, null, 2))
    console.log(`Written ${path.relative(ROOT, out)}`)
  } finally {
    await cleanUp()
  }
}

await main()
