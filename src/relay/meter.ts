import { countTokens } from 'gpt-tokenizer'

import type { AnthropicStreamEvent, AnthropicUsage } from './translate/anthropic-types'

type AnthropicUsageReport = { [K in keyof AnthropicUsage]?: number | null }
import type { OpenAIChunk, OpenAICompletion, OpenAIMessage, OpenAIUsage } from './translate/openai-types'

export type MeteredUsage = {
  promptTokens: number
  completionTokens: number
  cachedTokens: number
  characters: number
  /** `upstream` when the provider reported usage, `counted` when we had to count. */
  source: 'upstream' | 'counted'
}

function messageText(message: OpenAIMessage): string {
  if (typeof message.content === 'string') return message.content
  if (!Array.isArray(message.content)) return ''
  return message.content.map((part) => (part.type === 'text' ? String((part as { text: string }).text) : '')).join('')
}

/**
 * Counts what an answer delivered, piece by piece. The provider's usage wins, and only the last
 * report counts (some providers repeat usage on every chunk). Without one, delivered text is
 * tokenized as it passes, so nothing of the answer is kept in memory.
 */
export function createUsageMeter(messages: OpenAIMessage[]) {
  let reported: OpenAIUsage | undefined
  let counted = 0
  let characters = 0
  let deliveredAny = false

  const deliver = (text: string | null | undefined) => {
    if (!text) return
    deliveredAny = true
    characters += text.length
    // Once the provider has reported usage its count wins; tokenizing would only cost time.
    if (!reported) counted += countTokens(text)
  }

  return {
    observeChunk(chunk: OpenAIChunk) {
      if (chunk.usage) reported = chunk.usage
      for (const choice of chunk.choices) {
        deliver(choice.delta?.content)
        for (const call of choice.delta?.tool_calls ?? []) deliver(call.function?.arguments)
      }
    },
    observeCompletion(completion: OpenAICompletion) {
      reported = completion.usage
      for (const choice of completion.choices) {
        deliver(choice.message.content)
        for (const call of choice.message.tool_calls ?? []) deliver(call.function.arguments)
      }
    },
    /** Anthropic reports input on message_start and the running output count on message_delta. */
    observeAnthropic(usage: AnthropicUsageReport | undefined) {
      if (!usage) return
      const cacheRead = usage.cache_read_input_tokens ?? reported?.prompt_tokens_details?.cached_tokens ?? 0
      const prompt =
        usage.input_tokens != null
          ? usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0)
          : (reported?.prompt_tokens ?? 0)
      const completion = usage.output_tokens ?? reported?.completion_tokens ?? 0
      reported = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cacheRead } }
    },
    observeAnthropicEvent(event: AnthropicStreamEvent) {
      if (event.type === 'message_start') this.observeAnthropic(event.message.usage)
      else if (event.type === 'message_delta') this.observeAnthropic(event.usage)
      else if (event.type === 'content_block_delta') {
        deliver(event.delta.type === 'text_delta' ? event.delta.text : event.delta.type === 'input_json_delta' ? event.delta.partial_json : '')
      }
    },
    observeText: deliver,
    observeReported(usage: OpenAIUsage) {
      reported = usage
    },
    /** Whether anything reached the client: an answer with no output is not charged. */
    delivered: () => deliveredAny,
    result(): MeteredUsage {
      if (reported) {
        return {
          promptTokens: reported.prompt_tokens ?? 0,
          completionTokens: reported.completion_tokens ?? 0,
          cachedTokens: reported.prompt_tokens_details?.cached_tokens ?? 0,
          characters,
          source: 'upstream',
        }
      }
      const promptTokens = messages.reduce((sum, m) => sum + countTokens(messageText(m)), 0)
      return { promptTokens, completionTokens: counted, cachedTokens: 0, characters, source: 'counted' }
    },
  }
}

export type UsageMeter = ReturnType<typeof createUsageMeter>
