import type { CallSignal } from './client-signal'

/** The subset of OpenAI's chat wire format the relay reads and writes. */

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: string; [key: string]: unknown }

export type ChatMessage = {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool'
  content: string | ContentPart[] | null
  name?: string
  [key: string]: unknown
}

export type ChatCompletionRequest = {
  model: string
  messages: ChatMessage[]
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  max_tokens?: number
  [key: string]: unknown
}

export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number }

export type ChatCompletion = {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: {
    index: number
    message: { role: 'assistant'; content: string }
    finish_reason: 'stop' | 'length'
  }[]
  usage: Usage
}

export type ChatCompletionChunk = {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: {
    index: number
    delta: { role?: 'assistant'; content?: string }
    finish_reason: 'stop' | 'length' | null
  }[]
  usage?: Usage | null
}

export type ChatResult =
  | { stream: false; completion: ChatCompletion }
  | { stream: true; chunks: AsyncIterable<ChatCompletionChunk> }

/** One upstream wire format. The relay picks an adapter by the platform's `kind`. */
export interface UpstreamAdapter {
  readonly kind: string
  chat(request: ChatCompletionRequest, options?: { signal?: CallSignal }): Promise<ChatResult>
}
