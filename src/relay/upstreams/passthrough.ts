import type { CallSignal } from '../client-signal'
import { RelayError } from '../errors'
import { readBoundedBytes, sendUpstream, type Timeouts } from '../http'
import type { Candidate } from '../routing'
import type { OpenAIUsage } from '../translate/openai-types'
import { expectSuccess, openAITarget } from './openai'

/** A request relayed as it is but for the model name: JSON (embeddings, images) or multipart (audio). */
export type PassthroughRequest = {
  /** e.g. `embeddings`, `images/generations`, `audio/transcriptions` */
  path: string
  model: string
  /** Characters of the input (embedding input, image prompt), for the reservation. */
  inputCharacters: number
  body: (upstreamModel: string) => Promise<{ body: string | Buffer; contentType: string }>
}

export type PassthroughOutcome = { kind: 'raw'; contentType: string; body: Buffer; usage?: OpenAIUsage }

const MAX_ANSWER_BYTES = 64 * 1024 * 1024

function usageIn(body: Buffer, contentType: string): OpenAIUsage | undefined {
  if (!contentType.includes('json')) return undefined
  try {
    const usage = JSON.parse(body.toString('utf8')).usage
    if (!usage) return undefined
    const prompt = usage.prompt_tokens ?? usage.input_tokens ?? 0
    const completion = usage.completion_tokens ?? usage.output_tokens ?? 0
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  } catch {
    return undefined
  }
}

export async function passthrough(
  request: PassthroughRequest,
  candidate: Candidate,
  signal: CallSignal,
  timeouts: Timeouts,
): Promise<PassthroughOutcome> {
  if (candidate.platform.kind === 'demo' || candidate.platform.kind === 'anthropic') {
    throw new RelayError(400, `The ${candidate.platform.name} platform does not offer /v1/${request.path}.`, 'unsupported_endpoint')
  }
  const { url, headers } = openAITarget(candidate, request.path)
  const { body, contentType } = await request.body(candidate.upstreamModel)
  const response = await sendUpstream({ url, headers: { ...headers, 'content-type': contentType }, body, signal, timeouts })
  await expectSuccess(response)
  const answerType = String(response.headers['content-type'] ?? 'application/json')
  const answer = await readBoundedBytes(response.body, MAX_ANSWER_BYTES)
  return { kind: 'raw', contentType: answerType, body: answer, usage: usageIn(answer, answerType) }
}
