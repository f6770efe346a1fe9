import type { ServerResponse } from 'node:http'

import { badRequest, RelayError } from './errors'
import { SSE_HEADERS, writeWithBackPressure, type ChatRun } from './relay'
import { formatSse } from './sse'
import { anthropicRequestToOpenAI, createOpenAIToAnthropicStream, openAICompletionToAnthropic, TranslationError } from './translate/anthropic'
import type { AnthropicRequest } from './translate/anthropic-types'
import type { OpenAIRequest } from './translate/openai-types'

/** Anthropic Messages ingress: the body as sent, and its OpenAI equivalent for routing and other upstreams. */
export function readMessagesRequest(body: unknown): { native: AnthropicRequest; request: OpenAIRequest } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.')
  const native = body as AnthropicRequest
  if (typeof native.model !== 'string' || !native.model) throw badRequest('model: Field required', 'model')
  if (!Array.isArray(native.messages) || native.messages.length === 0) throw badRequest('messages: Field required', 'messages')
  if (typeof native.max_tokens !== 'number') throw badRequest('max_tokens: Field required', 'max_tokens')
  try {
    return { native, request: anthropicRequestToOpenAI(native) }
  } catch (error) {
    if (error instanceof TranslationError) throw badRequest(error.message)
    throw error
  }
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
}

/** Anthropic clients read errors in Anthropic's shape: `{"type":"error","error":{"type","message"}}`. */
export function anthropicError(status: number, message: string) {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }
}

export function anthropicErrorOf(error: unknown) {
  if (error instanceof RelayError) return { status: error.status, body: anthropicError(error.status, error.message) }
  return { status: 500, body: anthropicError(500, 'The relay failed to handle this request.') }
}

/** Writes the answer as Anthropic's Messages API does, whichever upstream produced it. */
export async function writeAnthropicAnswer(res: ServerResponse, run: ChatRun): Promise<void> {
  const { outcome, meter, request } = run
  const sendJson = (body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  switch (outcome.kind) {
    case 'anthropic-message':
      meter.observeAnthropic(outcome.message.usage)
      for (const block of outcome.message.content) meter.observeText(block.type === 'text' ? block.text : JSON.stringify(block.input))
      return sendJson(outcome.message)
    case 'completion':
      meter.observeCompletion(outcome.completion)
      return sendJson(openAICompletionToAnthropic(outcome.completion, request.model))
    case 'anthropic-stream':
      res.writeHead(200, SSE_HEADERS)
      for await (const { event, raw } of outcome.events) {
        meter.observeAnthropicEvent(event)
        await writeWithBackPressure(res, formatSse(raw, event.type))
      }
      return void res.end()
    case 'stream': {
      res.writeHead(200, SSE_HEADERS)
      const translator = createOpenAIToAnthropicStream(request.model)
      for await (const { chunk } of outcome.pieces) {
        meter.observeChunk(chunk)
        for (const event of translator.push(chunk)) await writeWithBackPressure(res, formatSse(JSON.stringify(event), event.type))
      }
      for (const event of translator.finish()) await writeWithBackPressure(res, formatSse(JSON.stringify(event), event.type))
      return void res.end()
    }
  }
}
