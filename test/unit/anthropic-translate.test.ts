import type Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type OpenAI from 'openai'

import { createSseParser, formatSse } from '../../src/relay/sse'
import {
  anthropicMessageToOpenAI,
  anthropicRequestToOpenAI,
  createAnthropicToOpenAIStream,
  createOpenAIToAnthropicStream,
  openAICompletionToAnthropic,
  openAIRequestToAnthropic,
  TranslationError,
  UpstreamStreamError,
} from '../../src/relay/translate/anthropic'
import type {
  AnthropicMessage,
  AnthropicMessageEvent,
  AnthropicRequest,
  AnthropicResponseBlock,
  AnthropicStopReason,
  AnthropicStreamEvent,
} from '../../src/relay/translate/anthropic-types'
import type { OpenAIChunk, OpenAIRequest, OpenAIUsage, ToolCall } from '../../src/relay/translate/openai-types'

/**
 * Fixtures and expected values are checked against the official SDKs' types, so the translators
 * are proven against the shapes real clients and providers use.
 *
 * `Sent<T>` is an SDK type as a server sends it: the SDKs declare every field the API has ever
 * added as present, but the API leaves out those that do not apply (the ones the SDK lets be null),
 * and the `caller` of a plain tool call.
 */
type Omissible<T> = { [K in keyof T]-?: null extends T[K] ? K : K extends 'caller' ? K : never }[keyof T]
type Sent<T> = T extends readonly (infer U)[]
  ? Sent<U>[]
  : T extends object
    ? { [K in keyof T as K extends Omissible<T> ? never : K]: Sent<T[K]> } & {
        [K in keyof T as K extends Omissible<T> ? K : never]?: Sent<T[K]>
      }
    : T

const NOW = Date.UTC(2025, 2, 10, 12, 0, 0)
const CREATED = NOW / 1000

beforeAll(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
})
afterAll(() => {
  jest.restoreAllMocks()
})

/** The model the customer asked for; translated responses must name it, not the upstream's. */
const REQUESTED = 'team-smart-model'

const weatherTool = {
  name: 'get_weather',
  description: 'Get the current weather in a given location',
  schema: {
    type: 'object' as const,
    properties: {
      location: { type: 'string', description: 'The city and country, e.g. Paris, France' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['location'],
  },
}

/** A text block or part, which both formats write alike. */
const text = (value: string) => ({ type: 'text' as const, text: value })

/** An OpenAI tool call, the same in requests, completions and the messages streams build. */
const toolCall = (id: string, name: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
})

const toolUse = (id: string, name: string, input: Record<string, unknown>) => ({
  type: 'tool_use' as const,
  id,
  name,
  input,
})

/** Anthropic usage as translated from OpenAI's, which reports cache reads but no cache writes. */
const anthropicUsage = (input_tokens: number, output_tokens: number, cache_read_input_tokens = 0) => ({
  input_tokens,
  output_tokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens,
})

/** OpenAI usage as translated from Anthropic's, which counts cache reads and writes apart from the input. */
const openAIUsage = (prompt_tokens: number, completion_tokens: number, cached_tokens: number) => ({
  prompt_tokens,
  completion_tokens,
  total_tokens: prompt_tokens + completion_tokens,
  prompt_tokens_details: { cached_tokens },
})

/** The whole message an Anthropic client should end up with. */
const anthropicReply = (
  id: string,
  content: AnthropicResponseBlock[],
  stop_reason: AnthropicStopReason,
  tokens: ReturnType<typeof anthropicUsage>,
) =>
  ({
    id,
    type: 'message',
    role: 'assistant',
    model: REQUESTED,
    content,
    stop_reason,
    stop_sequence: null,
    usage: tokens,
  }) satisfies Sent<Anthropic.Message>

/** What an Anthropic client sees of a stream: the message it builds, checking the event order as the SDK does. */
function anthropicMessageFrom(events: AnthropicStreamEvent[]): AnthropicMessage {
  expect(events[0]?.type).toBe('message_start')
  expect(events.at(-1)?.type).toBe('message_stop')
  let message: AnthropicMessage | undefined
  let open: number | null = null
  const json = new Map<number, string>()
  for (const event of events) {
    if (event.type === 'message_start') {
      expect(message).toBeUndefined()
      message = structuredClone(event.message)
      continue
    }
    if (!message) throw new Error(`${event.type} before message_start`)
    switch (event.type) {
      case 'content_block_start':
        expect(open).toBeNull()
        expect(event.index).toBe(message.content.length)
        message.content.push(structuredClone(event.content_block))
        open = event.index
        break
      case 'content_block_delta': {
        expect(event.index).toBe(open)
        const block = message.content[event.index]
        if (event.delta.type === 'text_delta' && block?.type === 'text') block.text += event.delta.text
        else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
          json.set(event.index, (json.get(event.index) ?? '') + event.delta.partial_json)
        } else throw new Error(`${event.delta.type} in a ${block?.type} block`)
        break
      }
      case 'content_block_stop': {
        expect(event.index).toBe(open)
        const block = message.content[event.index]
        if (block?.type === 'tool_use' && json.has(event.index)) block.input = JSON.parse(json.get(event.index) ?? '')
        open = null
        break
      }
      case 'message_delta':
        expect(open).toBeNull()
        message.stop_reason = event.delta.stop_reason
        message.usage.output_tokens = event.usage.output_tokens
        if (event.usage.input_tokens != null) message.usage.input_tokens = event.usage.input_tokens
        if (event.usage.cache_read_input_tokens != null)
          message.usage.cache_read_input_tokens = event.usage.cache_read_input_tokens
        break
      case 'message_stop':
        expect(open).toBeNull()
        break
    }
  }
  if (!message) throw new Error('no message')
  return message
}

/** What an OpenAI client sees of a stream: the assistant message it builds from the deltas. */
function openAIMessageFrom(chunks: OpenAIChunk[]) {
  let role: string | undefined
  let content = ''
  const toolCalls: ToolCall[] = []
  let finishReason: string | null = null
  let usage: OpenAIUsage | null | undefined
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage
    for (const choice of chunk.choices) {
      role ??= choice.delta.role
      content += choice.delta.content ?? ''
      for (const call of choice.delta.tool_calls ?? []) {
        const built = (toolCalls[call.index] ??= toolCall('', '', ''))
        if (call.id) built.id = call.id
        if (call.function?.name) built.function.name = call.function.name
        built.function.arguments += call.function?.arguments ?? ''
      }
      if (choice.finish_reason) finishReason = choice.finish_reason
    }
  }
  return { role, content, tool_calls: toolCalls, finish_reason: finishReason, usage }
}

// ---------------------------------------------------------------------------------------------

describe('Anthropic request to an OpenAI-style upstream', () => {
  /** Shaped like what Claude Code sends: system blocks with cache marks, parallel tool calls, a tool that returns an image. */
  const request = {
    model: 'claude-sonnet-4-5',
    max_tokens: 32000,
    system: [
      {
        type: 'text',
        text: "You are Claude Code, Anthropic's official CLI for Claude.",
        cache_control: { type: 'ephemeral' },
      },
      text('Answer briefly.'),
    ],
    messages: [
      {
        role: 'user',
        content: [
          text('<system-reminder>Today is Monday.</system-reminder>'),
          text('What is the weather in Paris, and what does the radar look like?'),
        ],
      },
      {
        role: 'assistant',
        content: [
          text("I'll check both."),
          {
            type: 'tool_use',
            id: 'toolu_01A09q90qw90lq917835lq9',
            name: 'get_weather',
            input: { location: 'Paris, France', unit: 'celsius' },
          },
          toolUse('toolu_01B7xRdd8dWwzpqCmc7s3sGh', 'radar_image', {}),
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees, light rain' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01B7xRdd8dWwzpqCmc7s3sGh',
            content: [
              text('Radar at 14:05'),
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } },
            ],
          },
          { type: 'text', text: 'Should I take an umbrella?', cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
    tools: [
      { name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.schema },
      { name: 'radar_image', description: 'The current rain radar', input_schema: { type: 'object', properties: {} } },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    stop_sequences: ['</answer>'],
    stream: true,
    metadata: { user_id: 'user-42' },
  } satisfies Anthropic.MessageCreateParams

  it('translates system blocks, multi-turn tool use, tool results with images and tools', () => {
    const expected = {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nAnswer briefly." },
        {
          role: 'user',
          content:
            '<system-reminder>Today is Monday.</system-reminder>\n\nWhat is the weather in Paris, and what does the radar look like?',
        },
        {
          role: 'assistant',
          content: "I'll check both.",
          tool_calls: [
            toolCall('toolu_01A09q90qw90lq917835lq9', 'get_weather', '{"location":"Paris, France","unit":"celsius"}'),
            toolCall('toolu_01B7xRdd8dWwzpqCmc7s3sGh', 'radar_image', '{}'),
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees, light rain' },
        { role: 'tool', tool_call_id: 'toolu_01B7xRdd8dWwzpqCmc7s3sGh', content: 'Radar at 14:05' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==' } },
            text('Should I take an umbrella?'),
          ],
        },
      ],
      max_tokens: 32000,
      stop: ['</answer>'],
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: weatherTool.description, parameters: weatherTool.schema },
        },
        {
          type: 'function',
          function: {
            name: 'radar_image',
            description: 'The current rain radar',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      user: 'user-42',
    } satisfies OpenAI.Chat.ChatCompletionCreateParams
    expect(anthropicRequestToOpenAI(request)).toEqual(expected)
  })

  it('keeps string content as it is and sends image URLs as image_url parts', () => {
    const simple = {
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      system: 'Be terse.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'url', url: 'https://example.com/ant.jpg' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGRg==' } },
            text('Compare these.'),
          ],
        },
        { role: 'assistant', content: 'The first is an ant.' },
        { role: 'user', content: 'And the second?' },
      ],
    } satisfies Anthropic.MessageCreateParams
    expect(anthropicRequestToOpenAI(simple)).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      messages: [
        { role: 'system', content: 'Be terse.' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/ant.jpg' } },
            { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
            text('Compare these.'),
          ],
        },
        { role: 'assistant', content: 'The first is an ant.' },
        { role: 'user', content: 'And the second?' },
      ],
    } satisfies OpenAI.Chat.ChatCompletionCreateParams)
  })

  it('passes the sampling parameters of older clients on, except top_k, which OpenAI lacks', () => {
    // The current SDK no longer declares sampling parameters; clients built on older ones send them.
    const legacy: AnthropicRequest = {
      model: 'claude-3-5-haiku-latest',
      max_tokens: 256,
      messages: [],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
    }
    const translated = anthropicRequestToOpenAI(legacy)
    expect(translated).toMatchObject({ temperature: 0.2, top_p: 0.9 })
    expect(translated).not.toHaveProperty('top_k')
  })

  it('keeps system messages between the turns where they stand', () => {
    const translated = anthropicRequestToOpenAI({
      model: 'claude-opus-4-8',
      max_tokens: 2048,
      messages: [
        { role: 'user', content: 'Draft a haiku.' },
        { role: 'assistant', content: 'Autumn moonlight…' },
        { role: 'system', content: [text('From now on, answer in French.')] },
        { role: 'user', content: 'Another one.' },
      ],
    } satisfies Anthropic.MessageCreateParams)
    expect(translated.messages).toEqual([
      { role: 'user', content: 'Draft a haiku.' },
      { role: 'assistant', content: 'Autumn moonlight…' },
      { role: 'system', content: 'From now on, answer in French.' },
      { role: 'user', content: 'Another one.' },
    ])
  })

  it('sends an assistant turn that only calls tools with content null', () => {
    const translated = anthropicRequestToOpenAI({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [toolUse('toolu_1', 'get_weather', { location: 'Oslo' })],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] },
      ],
    } satisfies Anthropic.MessageCreateParams)
    expect(translated.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [toolCall('toolu_1', 'get_weather', '{"location":"Oslo"}')],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '' },
    ])
  })

  it.each([
    [{ type: 'auto' }, 'auto', undefined],
    [{ type: 'any' }, 'required', undefined],
    [{ type: 'any', disable_parallel_tool_use: true }, 'required', false],
    [{ type: 'none' }, 'none', undefined],
    [{ type: 'tool', name: 'get_weather' }, { type: 'function', function: { name: 'get_weather' } }, undefined],
  ] satisfies [Anthropic.ToolChoice, OpenAI.Chat.ChatCompletionToolChoiceOption, boolean | undefined][])(
    'maps tool_choice %j to %j',
    (choice, expected, parallel) => {
      const translated = anthropicRequestToOpenAI({ ...request, tool_choice: choice })
      expect(translated.tool_choice).toEqual(expected)
      expect(translated.parallel_tool_calls).toBe(parallel)
    },
  )

  it('does not ask for stream usage when the client does not stream', () => {
    const translated = anthropicRequestToOpenAI({ ...request, stream: false })
    expect(translated.stream).toBe(false)
    expect(translated.stream_options).toBeUndefined()
  })

  it('refuses an image source the OpenAI format cannot carry', () => {
    const withFile = {
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'file', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' } }],
        },
      ],
    } satisfies Anthropic.MessageCreateParams
    // The SDK allows Files API sources; the translator's own types do not, hence the cast.
    expect(() => anthropicRequestToOpenAI(withFile as unknown as AnthropicRequest)).toThrow(TranslationError)
  })
})

describe('OpenAI-style completion to an Anthropic message', () => {
  const toolCompletion = {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion',
    created: 1741570283,
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Let me look that up.',
          refusal: null,
          annotations: [],
          tool_calls: [
            toolCall('call_abc123', 'get_weather', '{"location":"Paris, France"}'),
            toolCall('call_def456', 'get_weather', '{"location":"Oslo, Norway"}'),
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: {
      prompt_tokens: 1117,
      completion_tokens: 46,
      total_tokens: 1163,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_fc9f1d7035',
  } satisfies OpenAI.Chat.ChatCompletion

  it('turns text and tool calls into blocks, with cache reads apart from input tokens', () => {
    const message: Sent<Anthropic.Message> = openAICompletionToAnthropic(toolCompletion, REQUESTED)
    expect(message).toEqual(
      anthropicReply(
        'msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
        [
          text('Let me look that up.'),
          toolUse('call_abc123', 'get_weather', { location: 'Paris, France' }),
          toolUse('call_def456', 'get_weather', { location: 'Oslo, Norway' }),
        ],
        'tool_use',
        anthropicUsage(93, 46, 1024),
      ),
    )
  })

  it('gives a plain reply one text block, even an empty one', () => {
    const reply = (content: string | null) =>
      openAICompletionToAnthropic(
        {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'qwen-max',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
        },
        REQUESTED,
      )
    expect(reply('Hi there!')).toMatchObject({
      content: [text('Hi there!')],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 3, cache_read_input_tokens: 0 },
    })
    expect(reply('').content).toEqual([text('')])
    expect(reply(null).content).toEqual([text('')])
  })

  it.each([
    ['stop', false, 'end_turn'],
    ['length', false, 'max_tokens'],
    ['content_filter', false, 'end_turn'],
    ['tool_calls', true, 'tool_use'],
    // Some OpenAI-compatible servers end tool calls with "stop"; Anthropic clients need "tool_use".
    ['stop', true, 'tool_use'],
    ['length', true, 'max_tokens'],
  ] as const)('maps finish_reason %s (tool calls: %s) to %s', (finish, calls, stop) => {
    const choice = toolCompletion.choices[0]
    const completion = {
      ...toolCompletion,
      choices: [
        {
          ...choice,
          finish_reason: finish,
          message: { ...choice.message, tool_calls: calls ? choice.message.tool_calls : [] },
        },
      ],
    } satisfies OpenAI.Chat.ChatCompletion
    expect(openAICompletionToAnthropic(completion, REQUESTED).stop_reason).toBe(stop)
  })

  it('reports zero usage when the upstream reports none, and an empty input for broken arguments', () => {
    const message = openAICompletionToAnthropic(
      {
        id: 'chatcmpl-2',
        object: 'chat.completion',
        created: 1,
        model: 'local',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [toolCall('call/1', 'get_weather', '{"location": "Par')],
            },
            finish_reason: 'tool_calls',
          },
        ],
      },
      REQUESTED,
    )
    expect(message.content).toEqual([toolUse('call_1', 'get_weather', {})])
    expect(message.usage).toEqual(anthropicUsage(0, 0))
  })
})

describe('OpenAI-style stream to Anthropic events', () => {
  const meta = {
    id: 'chatcmpl-AyPhT9xGz8X2Lw',
    object: 'chat.completion.chunk',
    created: 1741570283,
    model: 'gpt-4o-2024-08-06',
    system_fingerprint: 'fp_44709d6fcb',
  } as const

  /** Text, then one tool call in pieces, then the usage chunk that `include_usage` asks for. */
  const chunks = [
    {
      ...meta,
      choices: [
        { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
      ],
    },
    { ...meta, choices: [{ index: 0, delta: { content: 'Let me ' }, logprobs: null, finish_reason: null }] },
    { ...meta, choices: [{ index: 0, delta: { content: 'check.' }, logprobs: null, finish_reason: null }] },
    {
      ...meta,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
                type: 'function',
                function: { name: 'get_weather', arguments: '' },
              },
            ],
          },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
    ...['{"', 'location', '":"', 'Paris, France', '"}'].map((piece) => ({
      ...meta,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
          logprobs: null,
          finish_reason: null,
        },
      ],
    })),
    { ...meta, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }] },
    {
      ...meta,
      choices: [],
      usage: openAIUsage(1380, 27, 1280),
    },
  ] satisfies OpenAI.Chat.ChatCompletionChunk[]

  function translate(input: OpenAIChunk[]): AnthropicMessageEvent[] {
    const stream = createOpenAIToAnthropicStream(REQUESTED)
    return [...input.flatMap((chunk) => stream.push(chunk)), ...stream.finish()]
  }

  it('produces a valid event sequence with a text block and a tool_use block', () => {
    const events: Sent<Anthropic.RawMessageStreamEvent>[] = translate(chunks)
    const json = (index: number, partial_json: string) =>
      ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }) as const
    expect(events).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_AyPhT9xGz8X2Lw',
          type: 'message',
          role: 'assistant',
          content: [],
          model: REQUESTED,
          stop_reason: null,
          stop_sequence: null,
          usage: anthropicUsage(0, 0),
        },
      },
      { type: 'content_block_start', index: 0, content_block: text('') },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: toolUse('call_DdmO9pD3xa9XTPNJ32zg2hcA', 'get_weather', {}),
      },
      json(1, '{"'),
      json(1, 'location'),
      json(1, '":"'),
      json(1, 'Paris, France'),
      json(1, '"}'),
      { type: 'content_block_stop', index: 1 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: anthropicUsage(100, 27, 1280),
      },
      { type: 'message_stop' },
    ] satisfies Sent<Anthropic.RawMessageStreamEvent>[])
  })

  it('builds the same message an Anthropic client would get without streaming', () => {
    expect(anthropicMessageFrom(translate(chunks))).toEqual(
      anthropicReply(
        'msg_AyPhT9xGz8X2Lw',
        [
          text('Let me check.'),
          {
            type: 'tool_use',
            id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
            name: 'get_weather',
            input: { location: 'Paris, France' },
          },
        ],
        'tool_use',
        anthropicUsage(100, 27, 1280),
      ),
    )
  })

  it('gives parallel tool calls one block each, in order', () => {
    const call = (index: number, id: string | undefined, args: string) => ({
      ...meta,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index,
                ...(id
                  ? { id, type: 'function' as const, function: { name: 'get_weather', arguments: args } }
                  : { function: { arguments: args } }),
              },
            ],
          },
          finish_reason: null,
        },
      ],
    })
    const parallel = [
      call(0, 'call_1', ''),
      call(0, undefined, '{"location":"Paris"}'),
      call(1, 'call_2', '{"location":'),
      call(1, undefined, '"Oslo"}'),
      { ...meta, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ] satisfies OpenAI.Chat.ChatCompletionChunk[]
    const message = anthropicMessageFrom(translate(parallel))
    expect(message.content).toEqual([
      toolUse('call_1', 'get_weather', { location: 'Paris' }),
      toolUse('call_2', 'get_weather', { location: 'Oslo' }),
    ])
    expect(message.stop_reason).toBe('tool_use')
  })

  it('starts with the input tokens when the upstream reports usage on every chunk', () => {
    const usage = { prompt_tokens: 50, completion_tokens: 1, total_tokens: 51 }
    const events = translate([
      { ...meta, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }], usage },
      {
        ...meta,
        choices: [{ index: 0, delta: {}, finish_reason: 'length' }],
        usage: { ...usage, completion_tokens: 2, total_tokens: 52 },
      },
    ] satisfies OpenAI.Chat.ChatCompletionChunk[])
    expect(events[0]).toMatchObject({
      type: 'message_start',
      message: { usage: { input_tokens: 50, output_tokens: 0 } },
    })
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: anthropicUsage(50, 2),
    })
  })

  it('names tool calls that arrive without an id', () => {
    const events = translate([
      {
        ...meta,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '{}' } }] },
            finish_reason: 'stop',
          },
        ],
      },
    ] satisfies OpenAI.Chat.ChatCompletionChunk[])
    const message = anthropicMessageFrom(events)
    expect(message.content).toEqual([toolUse('toolu_msg_AyPhT9xGz8X2Lw_0', 'get_weather', {})])
    expect(message.stop_reason).toBe('tool_use')
  })

  it('closes an empty message when the upstream sent nothing', () => {
    const message = anthropicMessageFrom(translate([]))
    expect(message).toMatchObject({ content: [], stop_reason: 'end_turn', model: REQUESTED })
  })
})

// ---------------------------------------------------------------------------------------------

describe('OpenAI request to an Anthropic upstream', () => {
  const request = {
    model: REQUESTED,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'developer', content: [text('Prefer metric units.')] },
      {
        role: 'user',
        content: [
          text('Where was this taken, and what is the weather there?'),
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==', detail: 'high' } },
          {
            type: 'image_url',
            image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Eiffel_Tower.jpg' },
          },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          toolCall('call_abc123', 'get_weather', '{"location":"Paris, France"}'),
          toolCall('call_def456', 'get_time', '{"timezone":"Europe/Paris"}'),
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc123', content: '15 degrees, light rain' },
      { role: 'tool', tool_call_id: 'call_def456', content: [text('14:05')] },
      { role: 'user', content: 'Should I take an umbrella?' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: weatherTool.name, description: weatherTool.description, parameters: weatherTool.schema },
      },
      {
        type: 'function',
        function: { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } } } },
      },
    ],
    tool_choice: 'required',
    parallel_tool_calls: false,
    max_completion_tokens: 1024,
    temperature: 1.3,
    top_p: 0.9,
    stop: ['END', ' \n'],
    stream: true,
    stream_options: { include_usage: true },
    user: 'user-42',
    frequency_penalty: 0.5,
    seed: 7,
  } satisfies OpenAI.Chat.ChatCompletionCreateParams

  it('moves system prompts out, pairs tool calls with results and maps tools and stop sequences', () => {
    const translated: Sent<Anthropic.MessageCreateParams> = openAIRequestToAnthropic(
      request,
      'claude-sonnet-4-5-20250929',
    )
    expect(translated).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 1024,
      system: 'You are a helpful assistant.\n\nPrefer metric units.',
      messages: [
        {
          role: 'user',
          content: [
            text('Where was this taken, and what is the weather there?'),
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQSkZJRgABAQ==' } },
            {
              type: 'image',
              source: { type: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Eiffel_Tower.jpg' },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            toolUse('call_abc123', 'get_weather', { location: 'Paris, France' }),
            toolUse('call_def456', 'get_time', { timezone: 'Europe/Paris' }),
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_abc123', content: '15 degrees, light rain' },
            { type: 'tool_result', tool_use_id: 'call_def456', content: '14:05' },
            text('Should I take an umbrella?'),
          ],
        },
      ],
      tools: [
        { name: 'get_weather', description: weatherTool.description, input_schema: weatherTool.schema },
        { name: 'get_time', input_schema: { type: 'object', properties: { timezone: { type: 'string' } } } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      stream: true,
      metadata: { user_id: 'user-42' },
    } satisfies Sent<Anthropic.MessageCreateParams>)
  })

  it('merges runs of same-role messages and leaves out empty ones, as Anthropic requires', () => {
    const translated = openAIRequestToAnthropic(
      {
        model: REQUESTED,
        messages: [
          { role: 'user', content: 'First part.' },
          { role: 'user', content: [text('Second part.')] },
          { role: 'assistant', content: '' },
          { role: 'user', content: '' },
          { role: 'assistant', content: [text('Noted.')] },
          { role: 'assistant', content: 'Anything else?' },
        ],
      } satisfies OpenAI.Chat.ChatCompletionCreateParams,
      'claude-haiku-4-5',
    )
    expect(translated.messages).toEqual([
      {
        role: 'user',
        content: [text('First part.'), text('Second part.')],
      },
      {
        role: 'assistant',
        content: [text('Noted.'), text('Anything else?')],
      },
    ])
    expect(translated.system).toBeUndefined()
  })

  it('defaults max_tokens, which Anthropic requires, and otherwise takes the client limit', () => {
    const base = {
      model: REQUESTED,
      messages: [{ role: 'user', content: 'Hi' }],
    } satisfies OpenAI.Chat.ChatCompletionCreateParams
    expect(openAIRequestToAnthropic(base, 'c').max_tokens).toBe(4096)
    expect(openAIRequestToAnthropic({ ...base, max_tokens: 300 }, 'c').max_tokens).toBe(300)
    expect(openAIRequestToAnthropic({ ...base, max_tokens: 300, max_completion_tokens: 500 }, 'c').max_tokens).toBe(500)
  })

  it('drops sampling parameters, which current Claude models refuse, and passes a single stop string', () => {
    const translated = openAIRequestToAnthropic(
      {
        model: REQUESTED,
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 1,
        top_p: 1,
        stop: '###',
      } satisfies OpenAI.Chat.ChatCompletionCreateParams,
      'c',
    )
    expect(translated.stop_sequences).toEqual(['###'])
    expect(translated).not.toHaveProperty('temperature')
    expect(translated).not.toHaveProperty('top_p')
  })

  const withTools = (extra: Partial<OpenAIRequest>): OpenAIRequest => ({ ...request, stream: false, ...extra })

  it.each([
    [{ tool_choice: 'auto', parallel_tool_calls: undefined }, { type: 'auto' }],
    [{ tool_choice: undefined, parallel_tool_calls: undefined }, undefined],
    [
      { tool_choice: undefined, parallel_tool_calls: false },
      { type: 'auto', disable_parallel_tool_use: true },
    ],
    [{ tool_choice: 'none', parallel_tool_calls: false }, { type: 'none' }],
    [{ tool_choice: 'required', parallel_tool_calls: true }, { type: 'any' }],
    [
      { tool_choice: { type: 'function', function: { name: 'get_time' } }, parallel_tool_calls: undefined },
      { type: 'tool', name: 'get_time' },
    ],
    [{ tools: undefined, tool_choice: 'required' }, undefined],
  ] satisfies [Partial<OpenAIRequest>, Anthropic.ToolChoice | undefined][])(
    'maps %j to tool_choice %j',
    (extra, expected) => {
      expect(openAIRequestToAnthropic(withTools(extra), 'c').tool_choice).toEqual(expected)
    },
  )

  it('turns a JSON schema response format into structured output', () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    }
    const translated = openAIRequestToAnthropic(
      {
        model: REQUESTED,
        messages: [{ role: 'user', content: 'Answer in JSON.' }],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
      } satisfies OpenAI.Chat.ChatCompletionCreateParams,
      'c',
    )
    expect(translated.output_config).toEqual({
      format: { type: 'json_schema', schema },
    } satisfies Anthropic.OutputConfig)
  })

  it('accepts image/jpg data URLs and refuses images Anthropic cannot read', () => {
    const image = (url: string) =>
      openAIRequestToAnthropic(
        { model: REQUESTED, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] },
        'c',
      )
    expect(image('data:image/jpg;base64,AAAA').messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
    ])
    expect(() => image('data:image/bmp;base64,Qk0=')).toThrow(TranslationError)
    expect(() => image('data:image/png,%89PNG')).toThrow(TranslationError)
    expect(() => image('ftp://example.com/a.png')).toThrow(TranslationError)
  })

  it('rewrites tool ids Anthropic would refuse, the same way on the call and its result', () => {
    const translated = openAIRequestToAnthropic(
      {
        model: REQUESTED,
        messages: [
          { role: 'user', content: 'Time?' },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [toolCall('functions.get_time:0', 'get_time', 'not json')],
          },
          { role: 'tool', tool_call_id: 'functions.get_time:0', content: '' },
        ],
      } satisfies OpenAI.Chat.ChatCompletionCreateParams,
      'c',
    )
    expect(translated.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [text('Checking.'), toolUse('functions_get_time_0', 'get_time', {})],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'functions_get_time_0' }] },
    ])
  })
})

describe('Anthropic message to an OpenAI completion', () => {
  /** As the API sends it, with prompt caching in use. */
  const toolMessage = {
    id: 'msg_01Aq9w938a90dw8q',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      text("I'll check the weather in Paris."),
      {
        type: 'tool_use',
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'get_weather',
        input: { location: 'Paris, France' },
      },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: {
      input_tokens: 472,
      cache_creation_input_tokens: 1024,
      cache_read_input_tokens: 2048,
      cache_creation: { ephemeral_5m_input_tokens: 1024, ephemeral_1h_input_tokens: 0 },
      output_tokens: 89,
      service_tier: 'standard',
    },
  } satisfies Sent<Anthropic.Message>

  it('gives text as content and tool uses as tool_calls, counting cache tokens into the prompt', () => {
    const completion: Sent<OpenAI.Chat.ChatCompletion> = anthropicMessageToOpenAI(toolMessage, REQUESTED)
    expect(completion).toEqual({
      id: 'chatcmpl-01Aq9w938a90dw8q',
      object: 'chat.completion',
      created: CREATED,
      model: REQUESTED,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the weather in Paris.",
            tool_calls: [toolCall('toolu_01A09q90qw90lq917835lq9', 'get_weather', '{"location":"Paris, France"}')],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: openAIUsage(3544, 89, 2048),
    } satisfies Sent<OpenAI.Chat.ChatCompletion>)
  })

  it('sends content null when the reply only calls tools, and joins text blocks', () => {
    const onlyTool = anthropicMessageToOpenAI({ ...toolMessage, content: [toolMessage.content[1]] }, REQUESTED)
    expect(onlyTool.choices[0]?.message.content).toBeNull()
    const joined = anthropicMessageToOpenAI(
      {
        ...toolMessage,
        content: [text('Hello, '), text('world.')],
        stop_reason: 'end_turn',
        usage: { input_tokens: 10, output_tokens: 4 },
      },
      REQUESTED,
    )
    expect(joined.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hello, world.' },
      finish_reason: 'stop',
    })
    expect(joined.usage).toEqual(openAIUsage(10, 4, 0))
  })

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ] satisfies [Anthropic.StopReason, OpenAI.Chat.ChatCompletion.Choice['finish_reason']][])(
    'maps stop_reason %s to %s',
    (stop, finish) => {
      expect(anthropicMessageToOpenAI({ ...toolMessage, stop_reason: stop }, REQUESTED).choices[0]?.finish_reason).toBe(
        finish,
      )
    },
  )
})

describe('Anthropic stream to OpenAI chunks', () => {
  /** The documented tool-use stream, with a ping between events and caching in use. */
  const events = [
    {
      type: 'message_start',
      message: {
        id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        stop_sequence: null,
        usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 1800, output_tokens: 2 },
        content: [],
        stop_reason: null,
      },
    },
    { type: 'content_block_start', index: 0, content_block: text('') },
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay, let' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: "'s check the weather." } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'content_block_start',
      index: 1,
      content_block: toolUse('toolu_01T1x1fJ34qAmk2tNTrN7Up6', 'get_weather', {}),
    },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"location":' } },
    {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: ' "San Francisco, CA"' },
    },
    {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: ', "unit": "fahrenheit"}' },
    },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
    { type: 'message_stop' },
  ] satisfies (Sent<Anthropic.RawMessageStreamEvent> | { type: 'ping' })[]

  function translate(input: AnthropicStreamEvent[]): OpenAIChunk[] {
    const stream = createAnthropicToOpenAIStream(REQUESTED)
    return [...input.flatMap((event) => stream.push(event)), ...stream.finish()]
  }

  const chunk = (
    delta: OpenAIChunk['choices'][0]['delta'],
    finish_reason: OpenAIChunk['choices'][0]['finish_reason'] = null,
  ) =>
    ({
      id: 'chatcmpl-014p7gG3wDgGV9EUtLvnow3U',
      object: 'chat.completion.chunk',
      created: CREATED,
      model: REQUESTED,
      choices: [{ index: 0, delta, finish_reason }],
    }) satisfies OpenAI.Chat.ChatCompletionChunk

  it('streams a role chunk, text, a tool call in pieces, the finish reason and usage', () => {
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = translate(events)
    expect(chunks).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Okay, let' }),
      chunk({ content: "'s check the weather." }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ' "San Francisco, CA"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ', "unit": "fahrenheit"}' } }] }),
      chunk({}, 'tool_calls'),
      {
        ...chunk({}),
        choices: [],
        usage: openAIUsage(2272, 89, 1800),
      },
    ] satisfies OpenAI.Chat.ChatCompletionChunk[])
  })

  it('builds the same message an OpenAI client would get without streaming', () => {
    expect(openAIMessageFrom(translate(events))).toEqual({
      role: 'assistant',
      content: "Okay, let's check the weather.",
      tool_calls: [
        toolCall(
          'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          'get_weather',
          '{"location": "San Francisco, CA", "unit": "fahrenheit"}',
        ),
      ],
      finish_reason: 'tool_calls',
      usage: openAIUsage(2272, 89, 1800),
    })
  })

  it('numbers tool calls among themselves when text comes between them', () => {
    const tool = (index: number, id: string) =>
      ({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id, name: 'get_weather', input: {} },
      }) as const
    const chunks = translate([
      events[0],
      tool(0, 'toolu_a'),
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: text('and ') },
      { type: 'content_block_stop', index: 1 },
      tool(2, 'toolu_b'),
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
    ])
    expect(openAIMessageFrom(chunks)).toMatchObject({
      content: 'and ',
      tool_calls: [
        { id: 'toolu_a', function: { arguments: '' } },
        { id: 'toolu_b', function: { arguments: '{}' } },
      ],
    })
  })

  it('sends a tool input that arrives whole in content_block_start', () => {
    const chunks = translate([
      events[0],
      {
        type: 'content_block_start',
        index: 0,
        content_block: toolUse('toolu_c', 'get_weather', { location: 'Oslo' }),
      },
      { type: 'content_block_stop', index: 0 },
    ])
    expect(openAIMessageFrom(chunks).tool_calls).toEqual([toolCall('toolu_c', 'get_weather', '{"location":"Oslo"}')])
  })

  it('takes the final totals from message_delta where it gives them', () => {
    const chunks = translate([
      events[0],
      {
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens', stop_sequence: null },
        usage: {
          output_tokens: 4096,
          input_tokens: 500,
          cache_read_input_tokens: 1900,
          cache_creation_input_tokens: 10,
        },
      },
      { type: 'message_stop' },
    ])
    expect(openAIMessageFrom(chunks)).toMatchObject({
      finish_reason: 'length',
      usage: openAIUsage(2410, 4096, 1900),
    })
  })

  it('skips blocks and deltas OpenAI clients have no place for', () => {
    const thinking = [
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'The user wants…' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
      { type: 'content_block_stop', index: 0 },
    ] satisfies Sent<Anthropic.RawMessageStreamEvent>[]
    // Upstreams send more block types than the translator declares; it must pass over them.
    const chunks = translate([events[0], ...(thinking as unknown as AnthropicStreamEvent[])])
    expect(chunks).toEqual([chunk({ role: 'assistant', content: '' }), expect.objectContaining({ choices: [] })])
  })

  it('throws the upstream error event so the relay can end the stream', () => {
    const stream = createAnthropicToOpenAIStream(REQUESTED)
    stream.push(events[0])
    const error = (() => {
      try {
        stream.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
      } catch (thrown) {
        return thrown
      }
    })()
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect(error).toMatchObject({ message: 'Overloaded', type: 'overloaded_error' })
  })

  it('sends no usage chunk when the upstream never said its usage', () => {
    const stream = createAnthropicToOpenAIStream(REQUESTED)
    expect(stream.finish()).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------

describe('tool use round trips', () => {
  it('lets an OpenAI client answer a tool call an Anthropic upstream made', () => {
    const upstreamReply = {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [toolUse('toolu_01D7FLrfh4GYq7yT1ULFeyMV', 'get_weather', { location: 'Lima' })],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 10 },
    } satisfies Sent<Anthropic.Message>
    const assistant = anthropicMessageToOpenAI(upstreamReply, REQUESTED).choices[0]?.message
    if (!assistant?.tool_calls?.[0]) throw new Error('expected a tool call')
    const next = openAIRequestToAnthropic(
      {
        model: REQUESTED,
        messages: [
          { role: 'user', content: 'Weather in Lima?' },
          assistant,
          { role: 'tool', tool_call_id: assistant.tool_calls[0].id, content: '22 degrees, sunny' },
        ],
      },
      'claude-sonnet-4-5-20250929',
    )
    expect(next.messages.slice(1)).toEqual([
      { role: 'assistant', content: upstreamReply.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01D7FLrfh4GYq7yT1ULFeyMV', content: '22 degrees, sunny' }],
      },
    ])
  })

  it('lets an Anthropic client answer a tool call an OpenAI-style upstream made', () => {
    const reply = openAICompletionToAnthropic(
      {
        id: 'chatcmpl-9',
        object: 'chat.completion',
        created: 1,
        model: 'deepseek-chat',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: '',
              tool_calls: [toolCall('call_0_7f3b', 'get_weather', '{"location":"Lima"}')],
            },
            finish_reason: 'tool_calls',
          },
        ],
      },
      REQUESTED,
    )
    const next = anthropicRequestToOpenAI({
      model: REQUESTED,
      max_tokens: 1024,
      messages: [
        { role: 'user', content: 'Weather in Lima?' },
        { role: 'assistant', content: reply.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_0_7f3b', content: '22 degrees, sunny' }] },
      ],
    })
    expect(next.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [toolCall('call_0_7f3b', 'get_weather', '{"location":"Lima"}')],
      },
      { role: 'tool', tool_call_id: 'call_0_7f3b', content: '22 degrees, sunny' },
    ])
  })
})

describe('streams on the wire', () => {
  const anthropicWire = [
    'event: message_start',
    'data: {"type":"message_start","message":{"id":"msg_01Xy","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}',
    '',
    'event: content_block_start',
    'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
    '',
    'event: ping',
    'data: {"type": "ping"}',
    '',
    'event: content_block_delta',
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bonjour 👋, "}}',
    '',
    'event: content_block_delta',
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ça va ?"}}',
    '',
    'event: content_block_stop',
    'data: {"type":"content_block_stop","index":0}',
    '',
    'event: message_delta',
    'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}}',
    '',
    'event: message_stop',
    'data: {"type":"message_stop"}',
    '',
    '',
  ].join('\n')

  const bytes = new TextEncoder().encode(anthropicWire)

  it('relays an Anthropic upstream to an OpenAI client through SSE, whatever the chunking', () => {
    for (const size of [1, 3, 7, 64, bytes.length]) {
      const translator = createAnthropicToOpenAIStream(REQUESTED)
      let out = ''
      const parser = createSseParser((event) => {
        for (const piece of translator.push(JSON.parse(event.data) as AnthropicStreamEvent))
          out += formatSse(JSON.stringify(piece))
      })
      for (let start = 0; start < bytes.length; start += size) parser.push(bytes.subarray(start, start + size))
      parser.end()
      for (const piece of translator.finish()) out += formatSse(JSON.stringify(piece))
      out += formatSse('[DONE]')

      const received: OpenAIChunk[] = []
      const client = createSseParser((event) => {
        if (event.data !== '[DONE]') received.push(JSON.parse(event.data) as OpenAIChunk)
      })
      client.push(out)
      client.end()
      expect(openAIMessageFrom(received)).toEqual({
        role: 'assistant',
        content: 'Bonjour 👋, ça va ?',
        tool_calls: [],
        finish_reason: 'stop',
        usage: openAIUsage(25, 12, 0),
      })
    }
  })

  it('relays an OpenAI-style upstream to an Anthropic client with named events', () => {
    const openAIWire = [
      'data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
      'data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hej!"},"finish_reason":null}]}',
      'data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
      'data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}',
      'data: [DONE]',
      '',
    ].join('\n\n')
    const translator = createOpenAIToAnthropicStream(REQUESTED)
    let out = ''
    const parser = createSseParser((event) => {
      if (event.data === '[DONE]') return
      for (const piece of translator.push(JSON.parse(event.data) as OpenAIChunk))
        out += formatSse(JSON.stringify(piece), piece.type)
    })
    parser.push(openAIWire)
    parser.end()
    for (const piece of translator.finish()) out += formatSse(JSON.stringify(piece), piece.type)

    const received: AnthropicStreamEvent[] = []
    const client = createSseParser((event) => {
      const parsed = JSON.parse(event.data) as AnthropicStreamEvent
      expect(event.event).toBe(parsed.type)
      received.push(parsed)
    })
    client.push(out)
    client.end()
    expect(anthropicMessageFrom(received)).toEqual(
      anthropicReply('msg_7', [text('Hej!')], 'end_turn', anthropicUsage(9, 2)),
    )
  })
})
