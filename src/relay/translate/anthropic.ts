import type { ContentPart } from '../types'
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicImageMediaType,
  AnthropicImageSource,
  AnthropicMessage,
  AnthropicMessageEvent,
  AnthropicRequest,
  AnthropicResponseBlock,
  AnthropicStopReason,
  AnthropicStreamEvent,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolUseBlock,
  AnthropicUsage,
} from './anthropic-types'
import type {
  FinishReason,
  FunctionTool,
  OpenAIChunk,
  OpenAICompletion,
  OpenAIMessage,
  OpenAIRequest,
  OpenAIUsage,
  ToolCall,
  ToolChoice,
} from './openai-types'

/**
 * Anthropic's Messages API and OpenAI's chat completions, both ways: Anthropic clients
 * (`/v1/messages`) served by OpenAI-style upstreams, and OpenAI clients served by Anthropic
 * upstreams. Pure functions and small state machines; the relay does the I/O. Translated
 * responses carry the model name the customer asked for, never the upstream's.
 */

/** A request the other format cannot express; the relay answers 400 instead of trying upstreams that would all refuse it. */
export class TranslationError extends Error {
  override name = 'TranslationError'
}

/** An `error` event inside an upstream's stream, thrown so the relay ends the client's stream as it ends any failed call. */
export class UpstreamStreamError extends Error {
  override name = 'UpstreamStreamError'
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message)
  }
}

/** Translates one stream as it arrives: each piece in gives the pieces to send on, maybe none. */
export type StreamTranslator<In, Out> = {
  push(piece: In): Out[]
  /** Call once the upstream stream has ended, for what can only be said at the end. */
  finish(): Out[]
}

/** Anthropic requires `max_tokens`; OpenAI clients often leave it out. */
const DEFAULT_MAX_TOKENS = 4096

// Upstreams may send reasons newer than these tables; lookups fall back to the plain end of a turn.

const STOP_REASONS: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'end_turn',
}

const FINISH_REASONS: Record<AnthropicStopReason, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

const IMAGE_MEDIA_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp']

function isImageMediaType(type: string): type is AnthropicImageMediaType {
  return IMAGE_MEDIA_TYPES.includes(type)
}

type TextOrImagePart = Extract<ContentPart, { type: 'text' | 'image_url' }>

const unixTime = () => Math.floor(Date.now() / 1000)

const messageId = (openAIId: string) => `msg_${openAIId.replace(/^chatcmpl-/, '')}`

const completionId = (anthropicId: string) => `chatcmpl-${anthropicId.replace(/^msg_/, '')}`

/** Anthropic accepts only `[A-Za-z0-9_-]` in tool ids; the same rewrite on both sides keeps calls and results paired. */
const toolUseId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_')

/** Models now and then write broken arguments; an empty input lets the client report it instead of failing the reply. */
function parseToolInput(args: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(args || '{}')
    return input !== null && typeof input === 'object' && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

function toolUseOf(call: ToolCall): AnthropicToolUseBlock {
  return {
    type: 'tool_use',
    id: toolUseId(call.id),
    name: call.function.name,
    input: parseToolInput(call.function.arguments),
  }
}

function toolCallOf(block: AnthropicToolUseBlock): ToolCall {
  return {
    id: block.id,
    type: 'function',
    function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
  }
}

/** OpenAI's assistant message has `content: null` when it only calls tools. */
function openAIAssistantMessage(text: string, toolCalls: ToolCall[]) {
  return {
    role: 'assistant' as const,
    content: text === '' && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  }
}

function textOfBlocks(blocks: readonly AnthropicContentBlock[], separator: string): string {
  return blocks
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join(separator)
}

function systemText(system: string | AnthropicTextBlock[]): string {
  return typeof system === 'string' ? system : textOfBlocks(system, '\n\n')
}

function isTextOrImagePart(part: ContentPart): part is TextOrImagePart {
  return part.type === 'text' || part.type === 'image_url'
}

function textOfContent(content: string | ContentPart[] | null): string {
  if (typeof content === 'string') return content
  return (content ?? [])
    .filter(isTextOrImagePart)
    .flatMap((part) => (part.type === 'text' && part.text ? [part.text] : []))
    .join('\n\n')
}

/** OpenAI counts cache reads inside `prompt_tokens`; Anthropic counts them apart from `input_tokens`. */
function anthropicUsageOf(usage: OpenAIUsage | null | undefined): AnthropicUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0
  return {
    input_tokens: (usage?.prompt_tokens ?? 0) - cached,
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  }
}

function openAIUsageOf(usage: AnthropicUsage): OpenAIUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0
  const prompt = usage.input_tokens + cacheRead + (usage.cache_creation_input_tokens ?? 0)
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  }
}

/** Some OpenAI-compatible servers end a tool call with "stop"; Anthropic clients act on "tool_use". */
function stopReasonOf(finish: FinishReason | null | undefined, calledTools: boolean): AnthropicStopReason {
  if (calledTools && (finish === 'stop' || !finish)) return 'tool_use'
  return (finish && STOP_REASONS[finish]) ?? 'end_turn'
}

function finishReasonOf(stop: AnthropicStopReason | null): FinishReason {
  return FINISH_REASONS[stop ?? 'end_turn'] ?? 'stop'
}

// ---------------------------------------------------------------------------------------------
// Anthropic clients, OpenAI-style upstreams

function imageUrlOf(source: AnthropicImageSource): string {
  if (source.type === 'base64') return `data:${source.media_type};base64,${source.data}`
  if (source.type === 'url') return source.url
  throw new TranslationError(
    `Image source "${(source as { type: string }).type}" is not supported by this model's provider`,
  )
}

function partOf(block: AnthropicTextBlock | AnthropicImageBlock): TextOrImagePart {
  return block.type === 'text'
    ? { type: 'text', text: block.text }
    : { type: 'image_url', image_url: { url: imageUrlOf(block.source) } }
}

/** Text-only content goes as a plain string, which every OpenAI-compatible server accepts. */
function userContentOf(parts: TextOrImagePart[]): string | TextOrImagePart[] {
  return parts.every((part) => part.type === 'text') ? parts.map((part) => part.text).join('\n\n') : parts
}

/** Tool results become `tool` messages, which must come straight after the assistant's calls, so before the user's own text. */
function userMessagesToOpenAI(content: string | AnthropicContentBlock[]): OpenAIMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }]
  const toolMessages: OpenAIMessage[] = []
  const parts: TextOrImagePart[] = []
  for (const block of content) {
    if (block.type === 'tool_result') {
      const result =
        typeof block.content === 'string' ? [{ type: 'text' as const, text: block.content }] : (block.content ?? [])
      toolMessages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: textOfBlocks(result, '\n\n') })
      // A tool message holds text only; images the tool returned go to the user message after it.
      for (const item of result) if (item.type === 'image') parts.push(partOf(item))
    } else if (block.type === 'text' || block.type === 'image') {
      parts.push(partOf(block))
    }
  }
  return parts.length > 0 ? [...toolMessages, { role: 'user', content: userContentOf(parts) }] : toolMessages
}

function assistantMessageToOpenAI(content: string | AnthropicContentBlock[]): OpenAIMessage {
  if (typeof content === 'string') return { role: 'assistant', content }
  const toolCalls = content.filter((block) => block.type === 'tool_use').map(toolCallOf)
  return openAIAssistantMessage(textOfBlocks(content, ''), toolCalls)
}

function toolToOpenAI(tool: AnthropicTool): FunctionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
  }
}

function toolChoiceToOpenAI(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto'
    case 'any':
      return 'required'
    case 'none':
      return 'none'
    case 'tool':
      return { type: 'function', function: { name: choice.name } }
  }
}

/**
 * `top_k` has no OpenAI equivalent and is dropped; streams ask for usage, which Anthropic clients
 * expect in `message_delta` and billing needs.
 */
export function anthropicRequestToOpenAI(req: AnthropicRequest): OpenAIRequest {
  const system = systemText(req.system ?? '')
  const messages: OpenAIMessage[] = system ? [{ role: 'system', content: system }] : []
  for (const message of req.messages) {
    if (message.role === 'user') messages.push(...userMessagesToOpenAI(message.content))
    else if (message.role === 'assistant') messages.push(assistantMessageToOpenAI(message.content))
    else messages.push({ role: 'system', content: systemText(message.content) })
  }
  const choice = req.tool_choice
  return {
    model: req.model,
    messages,
    max_tokens: req.max_tokens,
    temperature: req.temperature,
    top_p: req.top_p,
    stop: req.stop_sequences,
    stream: req.stream,
    stream_options: req.stream ? { include_usage: true } : undefined,
    tools: req.tools?.map(toolToOpenAI),
    tool_choice: choice && toolChoiceToOpenAI(choice),
    parallel_tool_calls: choice && choice.type !== 'none' && choice.disable_parallel_tool_use ? false : undefined,
    user: req.metadata?.user_id ?? undefined,
  }
}

export function openAICompletionToAnthropic(completion: OpenAICompletion, requestedModel: string): AnthropicMessage {
  const choice = completion.choices[0]
  const text = choice?.message.content ?? ''
  const toolCalls = choice?.message.tool_calls ?? []
  // An empty reply still gets its text block: clients read `content[0].text`.
  const content: AnthropicResponseBlock[] = text !== '' || toolCalls.length === 0 ? [{ type: 'text', text }] : []
  content.push(...toolCalls.map(toolUseOf))
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    content,
    model: requestedModel,
    stop_reason: stopReasonOf(choice?.finish_reason, toolCalls.length > 0),
    stop_sequence: null,
    usage: anthropicUsageOf(completion.usage),
  }
}

/**
 * Anthropic streams are a sequence of blocks, each opened, filled and closed before the next;
 * text and each tool call become one block. Tool calls must arrive one after another, as every
 * OpenAI-compatible server sends them: pieces of an earlier call after a later one began are lost.
 * `finish()` closes the message with its stop reason and the usage of the upstream's last chunk.
 */
export function createOpenAIToAnthropicStream(
  requestedModel: string,
): StreamTranslator<OpenAIChunk, AnthropicMessageEvent> {
  let id: string | undefined
  let blocks = 0
  /** The open block: 'text', the OpenAI index of a tool call, or none. It is always block `blocks - 1`. */
  let open: 'text' | number | null = null
  let finishReason: FinishReason | null = null
  let calledTools = false
  let usage: OpenAIUsage | null | undefined

  function start(events: AnthropicMessageEvent[], upstreamId: string) {
    id = messageId(upstreamId)
    events.push({
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        content: [],
        model: requestedModel,
        stop_reason: null,
        stop_sequence: null,
        usage: { ...anthropicUsageOf(usage), output_tokens: 0 },
      },
    })
  }

  function close(events: AnthropicMessageEvent[]) {
    if (open !== null) events.push({ type: 'content_block_stop', index: blocks - 1 })
    open = null
  }

  function openBlock(events: AnthropicMessageEvent[], block: AnthropicResponseBlock, kind: 'text' | number) {
    close(events)
    events.push({ type: 'content_block_start', index: blocks, content_block: block })
    blocks++
    open = kind
  }

  return {
    push(chunk) {
      const events: AnthropicMessageEvent[] = []
      if (chunk.usage) usage = chunk.usage
      if (id === undefined) start(events, chunk.id)
      const choice = chunk.choices[0]
      const delta = choice?.delta
      if (delta?.content) {
        if (open !== 'text') openBlock(events, { type: 'text', text: '' }, 'text')
        events.push({
          type: 'content_block_delta',
          index: blocks - 1,
          delta: { type: 'text_delta', text: delta.content },
        })
      }
      for (const call of delta?.tool_calls ?? []) {
        if (open !== call.index) {
          const block = {
            type: 'tool_use' as const,
            id: toolUseId(call.id ?? `toolu_${id}_${call.index}`),
            name: call.function?.name ?? '',
            input: {},
          }
          openBlock(events, block, call.index)
          calledTools = true
        }
        const args = call.function?.arguments
        if (args) {
          events.push({
            type: 'content_block_delta',
            index: blocks - 1,
            delta: { type: 'input_json_delta', partial_json: args },
          })
        }
      }
      if (choice?.finish_reason) {
        finishReason = choice.finish_reason
        close(events)
      }
      return events
    },

    finish() {
      const events: AnthropicMessageEvent[] = []
      if (id === undefined) start(events, '')
      close(events)
      events.push(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReasonOf(finishReason, calledTools), stop_sequence: null },
          usage: anthropicUsageOf(usage),
        },
        { type: 'message_stop' },
      )
      return events
    },
  }
}

// ---------------------------------------------------------------------------------------------
// OpenAI clients, Anthropic upstreams

function imageSourceOf(url: string): AnthropicImageSource {
  if (/^https?:\/\//i.test(url)) return { type: 'url', url }
  const comma = url.indexOf(',')
  if (url.startsWith('data:') && comma !== -1) {
    const [type = '', ...params] = url.slice('data:'.length, comma).toLowerCase().split(';')
    const mediaType = type === 'image/jpg' ? 'image/jpeg' : type
    if (params.includes('base64') && isImageMediaType(mediaType)) {
      return { type: 'base64', media_type: mediaType, data: url.slice(comma + 1) }
    }
  }
  throw new TranslationError('Images must be JPEG, PNG, GIF or WebP, sent as an http(s) URL or a base64 data: URL')
}

function userBlocks(content: string | ContentPart[] | null): AnthropicContentBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : []
  return (content ?? []).filter(isTextOrImagePart).flatMap((part): AnthropicContentBlock[] => {
    if (part.type === 'image_url') return [{ type: 'image', source: imageSourceOf(part.image_url.url) }]
    return part.text ? [{ type: 'text', text: part.text }] : []
  })
}

function assistantBlocks(message: OpenAIMessage): AnthropicContentBlock[] {
  const text = textOfContent(message.content)
  const toolUses = (message.tool_calls ?? []).map(toolUseOf)
  return text ? [{ type: 'text', text }, ...toolUses] : toolUses
}

function toolResultBlock(message: OpenAIMessage): AnthropicContentBlock {
  const text = textOfContent(message.content)
  return { type: 'tool_result', tool_use_id: toolUseId(message.tool_call_id ?? ''), ...(text ? { content: text } : {}) }
}

function toolToAnthropic(tool: FunctionTool): AnthropicTool {
  const { name, description, parameters } = tool.function
  return { name, description, input_schema: { ...parameters, type: 'object' } }
}

function toolChoiceToAnthropic(req: OpenAIRequest): AnthropicToolChoice | undefined {
  // Anthropic refuses a tool_choice without tools.
  if (!req.tools?.length) return undefined
  const choice = req.tool_choice
  const serial = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {}
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') return { type: 'any', ...serial }
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...serial }
  return choice === 'auto' || req.parallel_tool_calls === false ? { type: 'auto', ...serial } : undefined
}

/** Anthropic rejects stop sequences that are only whitespace. */
function stopSequencesOf(stop: OpenAIRequest['stop']): string[] | undefined {
  if (stop == null) return undefined
  return (Array.isArray(stop) ? stop : [stop]).filter((sequence) => sequence.trim() !== '')
}

/**
 * System and developer messages, wherever they stand, become the system prompt, which every API
 * version accepts; runs of same-role messages merge, as Anthropic requires turns to alternate, and
 * tool results join the user turn. Sampling parameters are dropped: API version 2026-10-21 and
 * current models answer them with 400, even at their defaults, which many OpenAI clients send. So
 * are OpenAI-only parameters (n, seed, penalties, logprobs, logit_bias).
 */
export function openAIRequestToAnthropic(req: OpenAIRequest, upstreamModel: string): AnthropicRequest {
  const system: string[] = []
  const messages: { role: 'user' | 'assistant'; content: AnthropicContentBlock[] }[] = []
  for (const message of req.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOfContent(message.content)
      if (text) system.push(text)
      continue
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user'
    const blocks =
      message.role === 'assistant'
        ? assistantBlocks(message)
        : message.role === 'tool'
          ? [toolResultBlock(message)]
          : userBlocks(message.content)
    // Anthropic refuses empty messages and empty text blocks.
    if (blocks.length === 0) continue
    const last = messages.at(-1)
    if (last?.role === role) last.content.push(...blocks)
    else messages.push({ role, content: blocks })
  }
  const format = req.response_format
  return {
    model: upstreamModel,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    system: system.length > 0 ? system.join('\n\n') : undefined,
    messages,
    tools: req.tools?.map(toolToAnthropic),
    tool_choice: toolChoiceToAnthropic(req),
    stop_sequences: stopSequencesOf(req.stop),
    stream: req.stream,
    metadata: req.user ? { user_id: req.user } : undefined,
    output_config:
      format?.type === 'json_schema' && format.json_schema.schema
        ? { format: { type: 'json_schema', schema: format.json_schema.schema } }
        : undefined,
  }
}

/** Usage counts cache reads and writes into `prompt_tokens`, as OpenAI does, and reports reads as `cached_tokens`. */
export function anthropicMessageToOpenAI(message: AnthropicMessage, requestedModel: string): OpenAICompletion {
  const text = textOfBlocks(message.content, '')
  const toolCalls = message.content.filter((block) => block.type === 'tool_use').map(toolCallOf)
  return {
    id: completionId(message.id),
    object: 'chat.completion',
    created: unixTime(),
    model: requestedModel,
    choices: [
      {
        index: 0,
        message: openAIAssistantMessage(text, toolCalls),
        finish_reason: finishReasonOf(message.stop_reason),
      },
    ],
    usage: openAIUsageOf(message.usage),
  }
}

/** Anthropic starts a tool call with an empty `input` and streams the JSON; some compatible servers send it whole. */
function initialArguments(input: unknown): string {
  return input !== null && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : ''
}

/**
 * `push()` throws UpstreamStreamError on the upstream's `error` event. `finish()` gives the usage
 * chunk (`choices: []`) once usage is known, for billing; clients that did not ask for
 * `stream_options.include_usage` should not be sent it.
 */
export function createAnthropicToOpenAIStream(
  requestedModel: string,
): StreamTranslator<AnthropicStreamEvent, OpenAIChunk> {
  const created = unixTime()
  let id = 'chatcmpl-'
  let usage: AnthropicUsage | undefined
  /** OpenAI numbers tool calls from 0 among themselves; Anthropic numbers all blocks. */
  const toolIndexes = new Map<number, number>()

  const chunk = (choices: OpenAIChunk['choices'], extra: Pick<OpenAIChunk, 'usage'> = {}): OpenAIChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: requestedModel,
    choices,
    ...extra,
  })
  const delta = (content: OpenAIChunk['choices'][0]['delta'], finishReason: FinishReason | null = null) => [
    chunk([{ index: 0, delta: content, finish_reason: finishReason }]),
  ]

  return {
    push(event) {
      switch (event.type) {
        case 'message_start':
          id = completionId(event.message.id)
          usage = event.message.usage
          return delta({ role: 'assistant', content: '' })
        case 'content_block_start': {
          const block = event.content_block
          if (block.type === 'text') return block.text ? delta({ content: block.text }) : []
          if (block.type !== 'tool_use') return []
          const index = toolIndexes.size
          toolIndexes.set(event.index, index)
          return delta({
            tool_calls: [
              {
                index,
                id: block.id,
                type: 'function',
                function: { name: block.name, arguments: initialArguments(block.input) },
              },
            ],
          })
        }
        case 'content_block_delta': {
          const piece = event.delta
          if (piece.type === 'text_delta') return piece.text ? delta({ content: piece.text }) : []
          const index = toolIndexes.get(event.index)
          if (piece.type !== 'input_json_delta' || index === undefined || !piece.partial_json) return []
          return delta({ tool_calls: [{ index, function: { arguments: piece.partial_json } }] })
        }
        case 'message_delta':
          // Totals, not increments: the final counts replace those of message_start where given.
          usage = {
            input_tokens: event.usage.input_tokens ?? usage?.input_tokens ?? 0,
            output_tokens: event.usage.output_tokens,
            cache_creation_input_tokens: event.usage.cache_creation_input_tokens ?? usage?.cache_creation_input_tokens,
            cache_read_input_tokens: event.usage.cache_read_input_tokens ?? usage?.cache_read_input_tokens,
          }
          return delta({}, finishReasonOf(event.delta.stop_reason))
        case 'error':
          throw new UpstreamStreamError(event.error.message, event.error.type)
        default:
          // content_block_stop, message_stop and ping carry nothing OpenAI clients see.
          return []
      }
    },

    finish() {
      return usage ? [chunk([], { usage: openAIUsageOf(usage) })] : []
    },
  }
}
