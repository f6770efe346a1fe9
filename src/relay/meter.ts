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
 * tokenized as it passes, so nothing of the answer is kept in memory. A class: every request makes
 * one, and methods on a prototype cost nothing per request.
 */
export class UsageMeter {
  private reported: OpenAIUsage | undefined
  private counted = 0
  private characters = 0
  private deliveredAny = false

  constructor(private readonly messages: OpenAIMessage[]) {}

  observeText(text: string | null | undefined) {
    if (!text) return
    this.deliveredAny = true
    this.characters += text.length
    // Once the provider has reported usage its count wins; tokenizing would only cost time.
    if (!this.reported) this.counted += countTokens(text)
  }

  observeChunk(chunk: OpenAIChunk) {
    if (chunk.usage) this.reported = chunk.usage
    for (const choice of chunk.choices) {
      this.observeText(choice.delta?.content)
      for (const call of choice.delta?.tool_calls ?? []) this.observeText(call.function?.arguments)
    }
  }

  observeCompletion(completion: OpenAICompletion) {
    this.reported = completion.usage
    for (const choice of completion.choices) {
      this.observeText(choice.message.content)
      for (const call of choice.message.tool_calls ?? []) this.observeText(call.function.arguments)
    }
  }

  /** Anthropic reports input on message_start and the running output count on message_delta. */
  observeAnthropic(usage: AnthropicUsageReport | undefined) {
    if (!usage) return
    const reported = this.reported
    const cacheRead = usage.cache_read_input_tokens ?? reported?.prompt_tokens_details?.cached_tokens ?? 0
    const prompt =
      usage.input_tokens != null
        ? usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0)
        : (reported?.prompt_tokens ?? 0)
    const completion = usage.output_tokens ?? reported?.completion_tokens ?? 0
    this.reported = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cacheRead } }
  }

  observeAnthropicEvent(event: AnthropicStreamEvent) {
    if (event.type === 'message_start') this.observeAnthropic(event.message.usage)
    else if (event.type === 'message_delta') this.observeAnthropic(event.usage)
    else if (event.type === 'content_block_delta') {
      this.observeText(event.delta.type === 'text_delta' ? event.delta.text : event.delta.type === 'input_json_delta' ? event.delta.partial_json : '')
    }
  }

  observeReported(usage: OpenAIUsage) {
    this.reported = usage
  }

  /** Whether anything reached the client: an answer with no output is not charged. */
  delivered() {
    return this.deliveredAny
  }

  result(): MeteredUsage {
    const reported = this.reported
    if (reported) {
      return {
        promptTokens: reported.prompt_tokens ?? 0,
        completionTokens: reported.completion_tokens ?? 0,
        cachedTokens: reported.prompt_tokens_details?.cached_tokens ?? 0,
        characters: this.characters,
        source: 'upstream',
      }
    }
    const promptTokens = this.messages.reduce((sum, m) => sum + countTokens(messageText(m)), 0)
    return { promptTokens, completionTokens: this.counted, cachedTokens: 0, characters: this.characters, source: 'counted' }
  }
}
