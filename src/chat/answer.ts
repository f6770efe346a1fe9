import { priceUsage } from '../billing/pricing'
import { toUsage } from '../relay/charging'
import { RelayError } from '../relay/errors'
import { validateChatRequest, type ChatRun, type Relay, type RelayCall } from '../relay/relay'
import type { OpenAIMessage } from '../relay/translate/openai-types'

/**
 * A chat-app answer through the relay, billed and logged exactly like API traffic on
 * `/v1/chat/completions`: the same reservation, failover, usage record and settlement.
 */

export const CHAT_ENDPOINT = '/v1/chat/completions'

export type AnswerStatus = 'done' | 'stopped' | 'failed'

export type Answer = {
  text: string
  status: AnswerStatus
  error?: string
  usage: { promptTokens: number; completionTokens: number }
  charge: number
  requestId: string
}

/** Reserves and calls the model; whatever it throws happened before any output. */
export function startAnswer(relay: Relay, call: RelayCall, model: string, messages: OpenAIMessage[], options: { stream: boolean; maxTokens?: number }): Promise<ChatRun> {
  const request = validateChatRequest({
    model,
    messages,
    stream: options.stream,
    ...(options.stream ? { stream_options: { include_usage: true } } : {}),
    ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
  })
  call.body = request
  return relay.runChat(call, CHAT_ENDPOINT, request)
}

/**
 * Refusals the customer can act on (no funds, rate limits, a frozen account, an unknown model, a
 * bad request): the relay throws them before calling any provider. A provider's own 4xx
 * (`upstream_rejected`) comes after the call, so it is an answer that failed instead.
 */
export function isRefusal(error: unknown): error is RelayError {
  return error instanceof RelayError && error.status >= 400 && error.status < 500 && error.status !== 499 && error.code !== 'upstream_rejected'
}

/** The text pieces of a run, metered on the way as the router meters what it writes. */
async function* textOf(run: ChatRun): AsyncGenerator<string> {
  const { outcome, meter } = run
  if (outcome.kind === 'completion') {
    meter.observeCompletion(outcome.completion)
    const text = outcome.completion.choices[0]?.message.content
    if (text) yield text
    return
  }
  if (outcome.kind !== 'stream') throw new Error(`unexpected answer of kind ${outcome.kind}`)
  for await (const { chunk } of outcome.pieces) {
    meter.observeChunk(chunk)
    const text = chunk.choices[0]?.delta?.content
    if (text) yield text
  }
}

/**
 * What the wallet pays for the run, as settlement prices it: nothing when a plan or nobody pays,
 * nothing for an answer that delivered no output.
 */
function chargeOf(run: ChatRun, charged: boolean): number {
  const { hold, prices, tierMultiplier, inputCharacters } = run.charging
  if (!charged || hold.target.kind !== 'wallet') return 0
  return priceUsage(prices, toUsage(run.meter.result(), inputCharacters), tierMultiplier).charge
}

/**
 * Reads a started run to its end, handing each piece of text to `onText`, then logs it. Closing
 * the call's signal (the customer stopped) ends it as `stopped` with what had arrived.
 */
export async function readAnswer(relay: Relay, run: ChatRun, call: RelayCall, onText: (text: string) => Promise<void>): Promise<Answer> {
  let text = ''
  let ttfbMs: number | undefined
  let status: AnswerStatus = 'done'
  let error: string | undefined
  try {
    for await (const piece of textOf(run)) {
      ttfbMs ??= Date.now() - run.started
      text += piece
      await onText(piece)
    }
    // A stream cut by the abort can end quietly rather than throw.
    if (call.signal.aborted) throw new Error('The client closed the request.')
    relay.logRun(run, call, CHAT_ENDPOINT, { status: 'success', httpStatus: 200, ttfbMs })
  } catch (failure) {
    status = call.signal.aborted ? 'stopped' : 'failed'
    error = (failure as Error).message
    relay.logRun(run, call, CHAT_ENDPOINT, { status: status === 'stopped' ? 'client-aborted' : 'error', httpStatus: status === 'stopped' ? 499 : 502, error, ttfbMs })
  }
  const { promptTokens, completionTokens } = run.meter.result()
  return {
    text,
    status,
    error,
    usage: { promptTokens, completionTokens },
    charge: chargeOf(run, status === 'done' || run.meter.delivered()),
    requestId: run.requestId,
  }
}
