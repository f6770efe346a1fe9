import { DemoAdapter } from '../adapters/demo'
import type { OpenAIChunk, OpenAICompletion } from '../translate/openai-types'
import type { ChatCall, ChatOutcome, StreamPiece } from './types'

const demo = new DemoAdapter()

/** The offline Demo platform: answers locally, with usage on streams like a real upstream. */
export async function demoChat({ request, signal }: ChatCall): Promise<ChatOutcome> {
  const result = await demo.chat(
    { ...request, ...(request.stream ? { stream_options: { include_usage: true } } : {}) },
    { signal },
  )
  if (!result.stream) return { kind: 'completion', completion: result.completion as OpenAICompletion }
  const chunks = result.chunks
  async function* pieces(): AsyncGenerator<StreamPiece> {
    for await (const chunk of chunks) yield { chunk: chunk as OpenAIChunk }
  }
  return { kind: 'stream', pieces: pieces() }
}
