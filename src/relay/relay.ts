import type { IncomingHttpHeaders, ServerResponse } from 'node:http'

import { errors as undiciErrors } from 'undici'

import { estimateUsage } from '../billing/pricing'
import { timeOrderedId } from '../lib/ids'
import { redactSecret } from '../lib/secrets'
import { accountFrozen, apiKeyFromHeaders, assertModelAllowed, authenticate } from './auth'
import { findModel, type Catalog, type CatalogApiKey, type CatalogModel } from './catalog'
import type { CallSignal } from './client-signal'
import { progressOf, promptCharacters, refusal, toUsage, type BillingPort, type Charging } from './charging'
import { badRequest, RelayError } from './errors'
import type { Timeouts } from './http'
import { COOL_DOWN_MS, judgeUpstreamFailure } from './key-health'
import { UsageMeter } from './meter'
import type { createRateLimiter } from './rate-limit'
import { orderCandidates, type Candidate, type RoutingState } from './routing'
import type { AnthropicRequest } from './translate/anthropic-types'
import type { OpenAIRequest } from './translate/openai-types'
import { CHAT_BY_KIND } from './upstreams'
import { passthrough, type PassthroughOutcome, type PassthroughRequest } from './upstreams/passthrough'
import { UpstreamFailure, type ChatOutcome } from './upstreams/types'
import type { UsageRecord } from './usage'

export type RelaySettings = { timeouts: Timeouts; maxAttempts: number }

export type RelayDeps = {
  catalog: () => Catalog
  fingerprint: (apiKey: string) => string
  routing: RoutingState & { coolDown(keyId: string, ms: number): void }
  limits: ReturnType<typeof createRateLimiter>
  /** Takes a refused key out of rotation now and records why (off the request path). */
  disableKey: (keyId: string, reason: string, upstreamMessage: string) => void
  recordUsage: (record: UsageRecord) => void
  billing: BillingPort
  /** Output tokens held for a request that sets no max_tokens. */
  reserveOutputTokens: () => number
  settings: RelaySettings
}

/** What the HTTP layer hands the relay: the parsed body and where the call came from. */
/**
 * One request to the relay. `key` is set by callers that authenticated the customer themselves
 * (the chat app's session, see sessionKey); otherwise the API key in the headers decides.
 */
export type RelayCall = { body: unknown; headers: IncomingHttpHeaders; ip: string; signal: CallSignal; key?: CatalogApiKey }

/** A chat answer ready to be written, with everything needed to log it. */
export type ChatRun = {
  outcome: ChatOutcome | PassthroughOutcome
  candidate: Candidate
  attempts: number
  key: CatalogApiKey
  model: CatalogModel
  request: OpenAIRequest
  meter: UsageMeter
  charging: Charging
  started: number
  requestId: string
}

/** What a request may use before it is sent: its prompt and the output it allows. */
type Allowance = { inputCharacters: number; maxOutputTokens: number }

function timedOut(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  )
}

/** The failure as the relay reports it, with the provider key cut out of anything the upstream echoed. */
function asFailure(error: unknown, secret: string | undefined): UpstreamFailure {
  if (error instanceof UpstreamFailure) return new UpstreamFailure(error.status, redactSecret(error.detail, secret), error.timedOut)
  if (timedOut(error)) return new UpstreamFailure(null, `timed out (${(error as Error).message})`, true)
  return new UpstreamFailure(null, `could not reach the upstream (${redactSecret((error as Error).message, secret)})`)
}

export function validateChatRequest(body: unknown): OpenAIRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.')
  const request = body as OpenAIRequest
  if (typeof request.model !== 'string' || !request.model) throw badRequest('you must provide a model parameter', 'model')
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw badRequest("'messages' must be a non-empty array", 'messages')
  }
  return request
}

const KNOWN_KEYS = 10_000

export function createRelay(deps: RelayDeps) {
  // A key's HMAC costs more than the rest of authenticating it, so keys that authenticated keep
  // theirs (bounded; a key that fails is never kept, so junk cannot fill it). Whether the key is
  // still valid is the catalog's answer every time.
  const fingerprints = new Map<string, string>()
  function keyOf(call: RelayCall) {
    const presented = apiKeyFromHeaders(call.headers)
    if (!presented) return authenticate(deps.catalog(), undefined, call.ip)
    const known = fingerprints.get(presented)
    const fingerprint = known ?? deps.fingerprint(presented)
    const key = authenticate(deps.catalog(), fingerprint, call.ip)
    if (known === undefined) {
      if (fingerprints.size >= KNOWN_KEYS) fingerprints.clear()
      fingerprints.set(presented, fingerprint)
    }
    return key
  }

  async function authorize(call: RelayCall, modelName?: string) {
    const key = call.key ?? keyOf(call)
    if (call.key?.frozen) throw accountFrozen(call.key)
    if (modelName === undefined) return { key, model: undefined }
    const model = findModel(deps.catalog(), modelName)
    if (!model) {
      throw new RelayError(404, `The model \`${modelName}\` does not exist or you do not have access to it.`, 'model_not_found', 'invalid_request_error', 'model')
    }
    assertModelAllowed(key, modelName)
    await deps.limits.admit(key)
    return { key, model }
  }

  /** A failed attempt: decide the key's fate; a client error ends the request, anything else tries on. */
  function afterFailure(candidate: Candidate, failure: UpstreamFailure) {
    const verdict = judgeUpstreamFailure(failure.status, failure.detail)
    const keyId = candidate.providerKey?.id
    if (verdict === 'client-error') {
      throw new RelayError(failure.status ?? 400, `The provider rejected the request: ${failure.detail}`, 'upstream_rejected')
    }
    if (!keyId) return
    if (verdict === 'disable') deps.disableKey(keyId, `upstream answered ${failure.status}`, failure.detail)
    else deps.routing.coolDown(keyId, failure.status === 429 ? COOL_DOWN_MS.rateLimited : COOL_DOWN_MS.failing)
  }

  function exhausted(model: CatalogModel, tried: number, last: UpstreamFailure | undefined): RelayError {
    if (!last) {
      return new RelayError(503, `No active provider key serves the model "${model.name}". Add or enable one under Catalog → Provider keys.`, 'no_available_provider', 'server_error')
    }
    const what = `All ${tried} provider attempt(s) for "${model.name}" failed; the last one ${last.message}`
    if (last.timedOut) return new RelayError(504, what, 'upstream_timeout', 'server_error')
    if (last.status === 429) return new RelayError(503, `${what}. The provider is rate limiting every key.`, 'upstream_rate_limited', 'server_error')
    return new RelayError(502, what, 'upstream_error', 'server_error')
  }

  /**
   * Reserves what the request may cost, then tries the candidates in order until one answers. A
   * stream counts as answered once its first piece arrived: until then nothing has reached the
   * client and the next key can still take over. Every way out that is not an answer releases the
   * reservation through the usage record.
   */
  async function inTurn<T>(
    call: RelayCall,
    endpoint: string,
    modelName: string,
    stream: boolean,
    allowance: Allowance,
    meter: UsageMeter,
    send: (candidate: Candidate, signal: CallSignal) => Promise<T>,
  ) {
    const started = Date.now()
    const requestId = timeOrderedId()
    const { key, model } = await authorize(call, modelName)
    let charging: Charging | undefined
    const prices = model!.prices
    const tierMultiplier = key.tier?.priceMultiplier ?? 1
    try {
      const hold = await deps.billing.reserve(
        {
          requestId,
          ownerId: key.ownerId,
          model: modelName,
          prices,
          tierMultiplier,
          estimate: estimateUsage(allowance.inputCharacters, allowance.maxOutputTokens),
          stream,
          admitPlan: deps.limits.admitPlan,
        },
        progressOf(() => charging, meter),
      )
      charging = { hold, prices, tierMultiplier, inputCharacters: allowance.inputCharacters }
    } catch (error) {
      throw refusal(error)
    }
    const candidates = orderCandidates(deps.catalog(), model!, modelName, deps.routing).slice(0, deps.settings.maxAttempts)
    let last: UpstreamFailure | undefined
    let attempts = 0
    const failed = (failure: RelayError) => {
      deps.recordUsage({
        requestId,
        ownerId: key.ownerId,
        apiKeyId: key.id,
        endpoint,
        model: modelName,
        stream,
        status: failure.status === 499 ? 'client-aborted' : 'error',
        httpStatus: failure.status,
        error: failure.message,
        attempts,
        latencyMs: Date.now() - started,
        ip: call.ip,
        at: new Date(),
        bill: { ...charging!, usage: null },
      })
      return failure
    }
    for (const candidate of candidates) {
      attempts += 1
      // A stream that failed on its first piece is still open, so each stream attempt gets a signal
      // of its own to close it with; a short answer that failed was read whole (or never came).
      const attempt = stream ? new AbortController() : undefined
      // Stays attached on success: a client that leaves mid-stream must close the upstream too.
      const stop = () => attempt?.abort()
      if (attempt) call.signal.addEventListener('abort', stop, { once: true })
      try {
        return { result: await send(candidate, attempt?.signal ?? call.signal), candidate, attempts, key, model: model!, started, requestId, charging: charging! }
      } catch (error) {
        attempt?.abort()
        if (attempt) call.signal.removeEventListener('abort', stop)
        if (call.signal.aborted) throw failed(new RelayError(499, 'The client closed the request.', 'client_closed'))
        if (error instanceof RelayError) throw failed(error)
        last = asFailure(error, candidate.providerKey?.secret)
        try {
          afterFailure(candidate, last)
        } catch (refusal) {
          throw failed(refusal as RelayError)
        }
      }
    }
    throw failed(exhausted(model!, attempts, last))
  }

  async function runChat(call: RelayCall, endpoint: string, request: OpenAIRequest, native?: AnthropicRequest): Promise<ChatRun> {
    const meter = new UsageMeter(request.messages)
    const allowance = {
      inputCharacters: promptCharacters(request.messages, request.tools ? JSON.stringify(request.tools) : ''),
      maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? deps.reserveOutputTokens(),
    }
    const { result, ...run } = await inTurn(call, endpoint, request.model, Boolean(request.stream), allowance, meter, async (candidate, signal) =>
      primedOutcome(await CHAT_BY_KIND[candidate.platform.kind]({ request, candidate, native, signal, timeouts: deps.settings.timeouts })),
    )
    return { ...run, outcome: result, request, meter }
  }

  /** Embeddings, images and transcriptions: the upstream's answer goes back as it came. */
  async function runPassthrough(call: RelayCall, endpoint: string, forward: PassthroughRequest): Promise<ChatRun> {
    const meter = new UsageMeter([])
    const allowance = { inputCharacters: forward.inputCharacters, maxOutputTokens: 0 }
    const { result, ...run } = await inTurn(call, endpoint, forward.model, false, allowance, meter, (candidate, signal) =>
      passthrough(forward, candidate, signal, deps.settings.timeouts),
    )
    if (result.usage) meter.observeReported(result.usage)
    return { ...run, outcome: result, request: { model: forward.model, messages: [] }, meter }
  }

  /** Logs and bills a run: what was delivered is charged, an answer with no output is not. */
  function logRun(run: ChatRun, call: RelayCall, endpoint: string, outcome: { status: UsageRecord['status']; httpStatus: number; error?: string; ttfbMs?: number }) {
    const usage = run.meter.result()
    const charged = outcome.status === 'success' || run.meter.delivered()
    deps.limits.spend(run.key, usage.promptTokens + usage.completionTokens).catch(() => undefined)
    deps.recordUsage({
      requestId: run.requestId,
      ownerId: run.key.ownerId,
      apiKeyId: run.key.id,
      endpoint,
      model: run.request.model,
      upstreamModel: run.candidate.upstreamModel,
      platformId: run.candidate.platform.id,
      providerKeyId: run.candidate.providerKey?.id,
      stream: Boolean(run.request.stream),
      usage,
      attempts: run.attempts,
      latencyMs: Date.now() - run.started,
      ip: call.ip,
      at: new Date(),
      bill: { ...run.charging, usage: charged ? toUsage(usage, run.charging.inputCharacters) : null },
      ...outcome,
    })
  }

  return { authorize, runChat, runPassthrough, logRun }
}

export type Relay = ReturnType<typeof createRelay>

/** Waits for a stream's first piece, so a failure before any output can still fail over. */
async function primed<T>(pieces: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = pieces[Symbol.asyncIterator]()
  const first = await iterator.next()
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return
      yield first.value
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value
    },
  }
}

async function primedOutcome(outcome: ChatOutcome): Promise<ChatOutcome> {
  if (outcome.kind === 'stream') return { kind: 'stream', pieces: await primed(outcome.pieces) }
  if (outcome.kind === 'anthropic-stream') return { kind: 'anthropic-stream', events: await primed(outcome.events) }
  return outcome
}

/** Writes an OpenAI stream to the client as pieces arrive, honouring back-pressure. */
export async function writeOpenAIStream(res: ServerResponse, run: ChatRun): Promise<void> {
  if (run.outcome.kind !== 'stream') throw new Error('not a stream')
  const clientWantsUsage = run.request.stream_options?.include_usage === true
  res.writeHead(200, SSE_HEADERS)
  for await (const { chunk, raw } of run.outcome.pieces) {
    run.meter.observeChunk(chunk)
    // Usage was asked for on the client's behalf; a client that did not ask gets no usage chunk.
    if (!clientWantsUsage && chunk.choices.length === 0) continue
    await writeWithBackPressure(res, `data: ${raw ?? JSON.stringify(chunk)}\n\n`)
  }
  res.end('data: [DONE]\n\n')
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
}

export async function writeWithBackPressure(res: ServerResponse, text: string) {
  if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve))
}
