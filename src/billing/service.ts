import { timeOrderedId } from '../lib/ids'
import { createAllowances } from './allowances'
import { coverageRows, expiredReservations, nothingHeld, NoFunds, PlanRateLimited, reserve, settleInterrupted, walletEstimate, type Hold, type ReserveInput } from './holds'
import { createPlanCoverage } from './plan-coverage'
import { isFree } from './pricing'
import { billColumns, type AllowanceSettled, type SettlementItem } from './settlement'
import { settlementWriter } from './settlement-writer'
import { at, insertRows, type SqlRunner } from './sql'

export type Settlement = Omit<SettlementItem, 'id'>

export type Progress = () => { charge: number; units: number }

/** Streams deliver as they go, so each gets a reservation row a crash can be charged from. */
export type RequestToReserve = Omit<ReserveInput, 'leaseUntil'> & { stream: boolean }

/**
 * Settles every reservation whose lease ran out (its process died) for what it had delivered, with
 * an `interrupted` usage log; returns how many.
 */
export async function reconcileReservations(runner: SqlRunner, now = new Date(), ownedHere: (requestId: string) => boolean = () => false): Promise<number> {
  const expired = (await expiredReservations(runner.query, now)).filter((item) => !ownedHere(item.hold.requestId))
  for (const item of expired) {
    await runner.transaction(async (tx) => {
      const id = timeOrderedId()
      const bill = await settleInterrupted(tx, item, id)
      // An allowance delivered nothing of its own: its requests' charges were settled as they ended.
      if (item.allowance) return
      await insertRows(tx, 'usage_logs', [
        {
          id,
          request_id: item.hold.requestId,
          owner_id: item.hold.ownerId,
          model: item.hold.model,
          status: 'interrupted',
          error: 'The server handling this request stopped; charged for what had been delivered.',
          prompt_tokens: 0,
          completion_tokens: 0,
          created_at: at(now),
          updated_at: at(now),
          ...billColumns(bill),
        },
      ])
    })
  }
  return expired.length
}

/**
 * Billing as the relay uses it: reservations before a request, settlement in batches with the
 * usage log rows (one transaction per batch, so a request's log and its charge commit together),
 * leases renewed for requests in flight, and reconciliation of reservations whose process died.
 */
export function createBilling(runner: SqlRunner, options: { leaseMs: number; allowanceIdleMs?: number; onError?: (error: unknown) => void }) {
  const inFlight = new Map<string, { hold: Hold; progress: Progress }>()
  const onError = options.onError ?? (() => undefined)
  const allowanceIdleMs = options.allowanceIdleMs ?? 0
  const allowances = createAllowances(runner, { leaseMs: options.leaseMs, idleMs: allowanceIdleMs })
  const writer = settlementWriter(runner)
  const coverage = createPlanCoverage((ownerId) => coverageRows(runner.query, ownerId))

  /**
   * Reservations that arrive together share one transaction (a group commit): one BEGIN/COMMIT
   * and one turn through the writer queue for many requests. A refusal (no funds) writes nothing
   * before it is thrown, so it does not disturb the others in the batch.
   */
  let waiting: { input: ReserveInput; resolve: (hold: Hold) => void; reject: (error: unknown) => void }[] = []
  let draining = false
  async function drain() {
    draining = true
    while (waiting.length > 0) {
      const batch = waiting
      waiting = []
      try {
        const outcomes = await runner.transaction(async (tx) => {
          const results: ({ hold: Hold } | { error: unknown })[] = []
          for (const item of batch) {
            try {
              results.push({ hold: await reserve(tx, item.input) })
            } catch (error) {
              if (!(error instanceof NoFunds || error instanceof PlanRateLimited)) throw error
              results.push({ error })
            }
          }
          return results
        })
        outcomes.forEach((outcome, i) => ('hold' in outcome ? batch[i]!.resolve(outcome.hold) : batch[i]!.reject(outcome.error)))
      } catch (error) {
        for (const item of batch) item.reject(error)
      }
    }
    draining = false
  }

  /**
   * A short request that no plan may take is held on the customer's allowance, in memory when it
   * has room; streams and plan requests get a reservation row of their own.
   */
  async function reserveFor({ stream, ...input }: RequestToReserve, progress: Progress): Promise<Hold> {
    if (!stream && !(await coverage.mayCover(input.ownerId, input.model))) {
      return isFree(input.prices) ? nothingHeld(input) : allowances.hold(input, walletEstimate(input))
    }
    const reserveRow = () =>
      new Promise<Hold>((resolve, reject) => {
        waiting.push({ input: { ...input, leaseUntil: new Date(Date.now() + options.leaseMs) }, resolve, reject })
        if (!draining) void drain()
      })
    // Money this server set aside for the customer's short requests is theirs too: a stream after a
    // run of short requests must not be refused for it.
    const hold = await reserveRow().catch(async (error) => {
      if (!(error instanceof NoFunds && (await allowances.giveBackSpare(input.ownerId)))) throw error
      return reserveRow()
    })
    // The hint said a plan might take it and none had room: read the owner's plans afresh.
    if (!stream && hold.target.kind !== 'plan') coverage.forget(input.ownerId)
    if (hold.recorded) inFlight.set(hold.requestId, { hold, progress })
    return hold
  }

  /**
   * One transaction per batch, on the settlement writer (a thread of its own on SQLite); the
   * allowances' memory follows once it committed. Runs through the allowances' `serial`, so no
   * allowance grows while its settlement is being written. Allowances left idle go back to the
   * wallet with it (`idleMs` 0: every allowance with nothing in flight).
   */
  async function settleBatch(settlements: Settlement[], lastUse: [string, string][] = [], idleMs?: number): Promise<void> {
    const items = settlements.map((settlement) => ({ id: timeOrderedId(), ...settlement }))
    await allowances.serial(async () => {
      const memory = allowances.prepare(items, idleMs)
      if (items.length === 0 && memory.groups.length === 0 && lastUse.length === 0) return
      let settled: AllowanceSettled[]
      try {
        settled = await writer.write({ items, allowances: memory.groups, lastUse })
      } catch (error) {
        memory.failed()
        throw error
      }
      memory.committed(settled)
    })
    for (const item of items) if (item.hold) inFlight.delete(item.hold.requestId)
  }

  /** Keeps this process's reservations alive and records what each has delivered so far. */
  async function heartbeat() {
    const pooled = allowances.ids()
    if (inFlight.size === 0 && pooled.length === 0) return
    const leaseUntil = at(new Date(Date.now() + options.leaseMs))
    const now = at(new Date())
    await runner.transaction(async (tx) => {
      for (const id of pooled) await tx.query('UPDATE reservations SET lease_until = ?, updated_at = ? WHERE request_id = ?', [leaseUntil, now, id])
      for (const { hold, progress } of inFlight.values()) {
        const delivered = progress()
        await tx.query('UPDATE reservations SET lease_until = ?, delivered = ?, delivered_units = ?, updated_at = ? WHERE request_id = ?', [
          leaseUntil,
          delivered.charge,
          delivered.units,
          now,
          hold.requestId,
        ])
      }
    })
  }

  /** This process's own reservations are skipped: a late renewal (a busy event loop) must not settle requests it is serving. */
  const reconcile = (now = new Date()) => reconcileReservations(runner, now, (requestId) => inFlight.has(requestId) || allowances.owns(requestId))

  let timers: NodeJS.Timeout[] = []
  let running: Promise<unknown> = Promise.resolve()
  return {
    reserve: reserveFor,
    settleBatch,
    heartbeat,
    reconcile,
    inFlightCount: () => inFlight.size,
    /** A subscription changed (here or on another instance): plans are read afresh. */
    forgetPlanCoverage: () => coverage.forget(),
    /** Renews leases a few times per lease, reconciles once per lease and gives idle allowances back. */
    start() {
      const guard = (work: () => Promise<unknown>) => () => {
        running = running.then(work).catch(onError)
      }
      timers = [
        setInterval(guard(heartbeat), Math.max(200, options.leaseMs / 3)),
        setInterval(guard(reconcile), Math.max(500, options.leaseMs)),
        setInterval(guard(() => settleBatch([])), Math.max(250, allowanceIdleMs / 4)),
      ]
      for (const timer of timers) timer.unref()
    },
    /** Stops the timers and waits for their work, so nothing runs on a closing database. */
    async stop() {
      for (const timer of timers) clearInterval(timer)
      timers = []
      await running
    },
    /**
     * Gives every allowance with nothing in flight back and closes the settlement writer, after the
     * last batch (the usage buffer's close) was settled.
     */
    async close() {
      await settleBatch([], [], 0).catch(onError)
      await writer.close()
    },
  }
}

export type Billing = ReturnType<typeof createBilling>
