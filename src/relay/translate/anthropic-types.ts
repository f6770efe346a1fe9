/**
 * The subset of Anthropic's Messages API wire format the relay translates. Requests, responses
 * and stream events as they are sent, not as the SDK declares them: the API omits fields that do
 * not apply, so nothing here is required that a real payload may leave out.
 */

export type AnthropicTextBlock = { type: 'text'; text: string }

/** The media types the API accepts for base64 images. */
export type AnthropicImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp'

export type AnthropicImageSource =
  { type: 'base64'; media_type: AnthropicImageMediaType; data: string } | { type: 'url'; url: string }

export type AnthropicImageBlock = { type: 'image'; source: AnthropicImageSource }

export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown }

export type AnthropicToolResultBlock = {
  type: 'tool_result'
  tool_use_id: string
  content?: string | (AnthropicTextBlock | AnthropicImageBlock)[]
  is_error?: boolean
}

export type AnthropicContentBlock =
  AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock

/** API version 2026-10-21 also takes system messages between the turns. */
export type AnthropicMessageParam =
  | { role: 'user'; content: string | AnthropicContentBlock[] }
  | { role: 'assistant'; content: string | AnthropicContentBlock[] }
  | { role: 'system'; content: string | AnthropicTextBlock[] }

export type AnthropicTool = {
  name: string
  description?: string
  input_schema: { type: 'object'; [key: string]: unknown }
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' }

export type AnthropicRequest = {
  model: string
  max_tokens: number
  system?: string | AnthropicTextBlock[]
  messages: AnthropicMessageParam[]
  tools?: AnthropicTool[]
  tool_choice?: AnthropicToolChoice
  /** Sampling is legacy: API version 2026-10-21 and the newest models refuse it, older clients still send it. */
  temperature?: number
  top_p?: number
  top_k?: number
  stop_sequences?: string[]
  stream?: boolean
  metadata?: { user_id?: string | null }
  /** Structured output: the reply is JSON that follows `format.schema`. */
  output_config?: { format?: { type: 'json_schema'; schema: Record<string, unknown> } }
}

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded'

/** `input_tokens` excludes the tokens read from or written to the prompt cache, which are counted apart. */
export type AnthropicUsage = {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens?: number | null
  cache_read_input_tokens?: number | null
}

export type AnthropicResponseBlock = AnthropicTextBlock | AnthropicToolUseBlock

export type AnthropicMessage = {
  id: string
  type: 'message'
  role: 'assistant'
  content: AnthropicResponseBlock[]
  model: string
  stop_reason: AnthropicStopReason | null
  stop_sequence: string | null
  usage: AnthropicUsage
}

export type AnthropicStreamDelta =
  { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string }

/** The events that build a message; `ping` and `error` may come between them. */
export type AnthropicMessageEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: AnthropicResponseBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicStreamDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta'
      delta: { stop_reason: AnthropicStopReason | null; stop_sequence?: string | null }
      /** Whole-message totals; the input and cache counts only where they are known by the end. */
      usage: {
        output_tokens: number
        input_tokens?: number | null
        cache_creation_input_tokens?: number | null
        cache_read_input_tokens?: number | null
      }
    }
  | { type: 'message_stop' }

export type AnthropicStreamEvent =
  AnthropicMessageEvent | { type: 'ping' } | { type: 'error'; error: { type: string; message: string } }
