import { readBounded, sendUpstream, type UpstreamResponse } from '../http'
import type { Candidate } from '../routing'
import type { OpenAIChunk, OpenAICompletion } from '../translate/openai-types'
import { sseEvents } from './sse-events'
import { UpstreamFailure, type ChatCall, type ChatOutcome, type StreamPiece } from './types'

/** The URL and credentials of an OpenAI-style endpoint (OpenAI-compatible, Gemini's, Azure's). */
export function openAITarget(candidate: Candidate, path: string): { url: string; headers: Record<string, string> } {
  const { platform, providerKey, baseUrl, upstreamModel } = candidate
  const base = baseUrl.replace(/\/+$/, '')
  const headers: Record<string, string> = { ...platform.headers }
  if (platform.kind === 'azure-openai') {
    if (providerKey) headers['api-key'] = providerKey.secret
    const version = encodeURIComponent(platform.apiVersion || '2024-10-21')
    return { url: `${base}/openai/deployments/${encodeURIComponent(upstreamModel)}/${path}?api-version=${version}`, headers }
  }
  if (providerKey) headers.authorization = `Bearer ${providerKey.secret}`
  return { url: `${base}/${path}`, headers }
}

/** The upstream's own message from an error body, whatever its shape. */
export function upstreamMessage(text: string): string {
  try {
    const body = JSON.parse(text)
    const message = body?.error?.message ?? body?.message ?? body?.error ?? body?.msg
    // The code says what the message may not (`insufficient_quota` behind a plain "quota" text).
    const code = body?.error?.code ?? body?.error?.type ?? body?.code
    if (typeof message === 'string' && message) {
      return typeof code === 'string' && code && !message.includes(code) ? `${message} (${code})` : message
    }
  } catch {
    // not JSON: the text itself is the message
  }
  return text.trim().slice(0, 500) || 'no message'
}

/** Throws UpstreamFailure unless the upstream answered 2xx. */
export async function expectSuccess(response: UpstreamResponse): Promise<void> {
  if (response.statusCode >= 200 && response.statusCode < 300) return
  throw new UpstreamFailure(response.statusCode, upstreamMessage(await readBounded(response.body)))
}

async function* pieces(response: UpstreamResponse): AsyncGenerator<StreamPiece> {
  for await (const { data } of sseEvents(response.body)) {
    if (data === '[DONE]' || !data) continue
    yield { chunk: JSON.parse(data) as OpenAIChunk, raw: data }
  }
}

export async function openAIChat({ request, candidate, signal, timeouts }: ChatCall): Promise<ChatOutcome> {
  const { url, headers } = openAITarget(candidate, 'chat/completions')
  // Usage is asked for on every stream: billing reads it from the last chunk.
  const body = {
    ...request,
    model: candidate.upstreamModel,
    ...(request.stream ? { stream_options: { ...request.stream_options, include_usage: true } } : {}),
  }
  const response = await sendUpstream({
    url,
    headers: { ...headers, 'content-type': 'application/json', accept: request.stream ? 'text/event-stream' : 'application/json' },
    body: JSON.stringify(body),
    signal,
    timeouts,
  })
  await expectSuccess(response)
  if (request.stream) return { kind: 'stream', pieces: pieces(response) }
  const text = await readBounded(response.body, 32 * 1024 * 1024)
  try {
    return { kind: 'completion', completion: JSON.parse(text) as OpenAICompletion, raw: text }
  } catch {
    throw new UpstreamFailure(502, `the upstream answered 2xx with a body that is not JSON: ${text.slice(0, 200)}`)
  }
}
