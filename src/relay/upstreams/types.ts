import type { Candidate } from '../routing'
import type { AnthropicMessage, AnthropicStreamEvent, AnthropicRequest } from '../translate/anthropic-types'
import type { OpenAIChunk, OpenAICompletion, OpenAIRequest } from '../translate/openai-types'
import type { Timeouts } from '../http'
import type { CallSignal } from '../client-signal'

/** A chunk as the client will see it; `raw` is the upstream's own JSON when it can be sent as is. */
export type StreamPiece = { chunk: OpenAIChunk; raw?: string }

/**
 * What every upstream kind returns, whatever its wire format: OpenAI chat, whole or streamed.
 * Failures before the first byte are thrown as UpstreamFailure so the relay can try the next key.
 */
export type ChatOutcome =
  /** `raw` is the upstream's own JSON of an OpenAI-style answer, sent to OpenAI clients as is. */
  | { kind: 'completion'; completion: OpenAICompletion; raw?: string }
  | { kind: 'stream'; pieces: AsyncIterable<StreamPiece> }
  /** Anthropic's own answer to an Anthropic request, passed through untranslated. */
  | { kind: 'anthropic-message'; message: AnthropicMessage }
  | { kind: 'anthropic-stream'; events: AsyncIterable<{ event: AnthropicStreamEvent; raw: string }> }

export type ChatCall = {
  request: OpenAIRequest
  candidate: Candidate
  signal: CallSignal
  timeouts: Timeouts
  /** The original body of an Anthropic Messages request: an Anthropic platform gets it as sent. */
  native?: AnthropicRequest
}

export class UpstreamFailure extends Error {
  constructor(
    /** The upstream's HTTP status, or null when no answer came (connect error, timeout). */
    readonly status: number | null,
    /** What the upstream said, for the operator and for judging the key. */
    readonly detail: string,
    readonly timedOut = false,
  ) {
    super(status === null ? detail : `upstream answered ${status}: ${detail}`)
  }
}
