import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, Usage } from '../types'

/**
 * OpenAI's chat format with what translation needs beyond `../types`: tool calling, finish
 * reasons and cache usage. Each type widens its `../types` counterpart, so what an adapter
 * produces with those types can be translated as it is.
 */

export type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } }

/** A streamed piece of a tool call: `index` ties the pieces together, only the first has id and name. */
export type ToolCallDelta = {
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string; arguments?: string }
}

export type FunctionTool = {
  type: 'function'
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null }
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } }

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema'
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null }
    }

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter'

/** `cached_tokens` is the part of `prompt_tokens` read from the provider's prompt cache. */
export type OpenAIUsage = Usage & { prompt_tokens_details?: { cached_tokens?: number } }

/** Assistant messages may carry `tool_calls`; `tool` messages answer one by `tool_call_id`. */
export type OpenAIMessage = ChatMessage & { tool_calls?: ToolCall[]; tool_call_id?: string }

export type OpenAIRequest = ChatCompletionRequest & {
  messages: OpenAIMessage[]
  tools?: FunctionTool[]
  tool_choice?: ToolChoice
  parallel_tool_calls?: boolean
  max_completion_tokens?: number | null
  temperature?: number | null
  top_p?: number | null
  stop?: string | string[] | null
  user?: string
  response_format?: ResponseFormat
}

export type OpenAICompletion = Omit<ChatCompletion, 'choices' | 'usage'> & {
  choices: {
    index: number
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
    finish_reason: FinishReason
  }[]
  usage?: OpenAIUsage
}

export type OpenAIChunk = Omit<ChatCompletionChunk, 'choices' | 'usage'> & {
  choices: {
    index: number
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[] }
    finish_reason: FinishReason | null
  }[]
  usage?: OpenAIUsage | null
}
