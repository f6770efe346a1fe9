import { readBounded, sendUpstream } from '../http'
import type { Candidate } from '../routing'
import {
  anthropicMessageToOpenAI,
  createAnthropicToOpenAIStream,
  openAIRequestToAnthropic,
} from '../translate/anthropic'
import type { AnthropicMessage, AnthropicStreamEvent } from '../translate/anthropic-types'
import { expectSuccess } from './openai'
import { sseEvents } from './sse-events'
import { UpstreamFailure, type ChatCall, type ChatOutcome, type StreamPiece } from './types'

export const ANTHROPIC_VERSION = '2023-06-01'

export function anthropicTarget(candidate: Candidate): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { ...candidate.platform.headers, 'anthropic-version': ANTHROPIC_VERSION }
  if (candidate.providerKey) headers['x-api-key'] = candidate.providerKey.secret
  return { url: `${candidate.baseUrl.replace(/\/+$/, '')}/v1/messages`, headers }
}

async function* anthropicEvents(body: Parameters<typeof sseEvents>[0]) {
  for await (const { data } of sseEvents(body)) {
    if (data) yield { event: JSON.parse(data) as AnthropicStreamEvent, raw: data }
  }
}

/**
 * An Anthropic platform. An Anthropic Messages request (`native`) goes as sent and its answer
 * comes back untouched; an OpenAI chat request is translated there and back.
 */
export async function anthropicChat({ request, candidate, signal, timeouts, native }: ChatCall): Promise<ChatOutcome> {
  const { url, headers } = anthropicTarget(candidate)
  const body = native ? { ...native, model: candidate.upstreamModel } : openAIRequestToAnthropic(request, candidate.upstreamModel)
  const response = await sendUpstream({
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
    timeouts,
  })
  await expectSuccess(response)
  if (!request.stream) {
    const text = await readBounded(response.body, 32 * 1024 * 1024)
    let message: AnthropicMessage
    try {
      message = JSON.parse(text) as AnthropicMessage
    } catch {
      throw new UpstreamFailure(502, `the upstream answered 2xx with a body that is not a message: ${text.slice(0, 200)}`)
    }
    return native ? { kind: 'anthropic-message', message } : { kind: 'completion', completion: anthropicMessageToOpenAI(message, request.model) }
  }
  if (native) return { kind: 'anthropic-stream', events: anthropicEvents(response.body) }
  const translator = createAnthropicToOpenAIStream(request.model)
  async function* pieces(): AsyncGenerator<StreamPiece> {
    for await (const { event } of anthropicEvents(response.body)) {
      for (const chunk of translator.push(event)) yield { chunk }
    }
    for (const chunk of translator.finish()) yield { chunk }
  }
  return { kind: 'stream', pieces: pieces() }
}
