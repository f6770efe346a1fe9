import type { PlatformKind } from '../presets'
import { anthropicChat } from './anthropic'
import { demoChat } from './demo'
import { openAIChat } from './openai'
import type { ChatCall, ChatOutcome } from './types'

/** Chat by platform kind: Gemini and Azure speak OpenAI's format at their own addresses. */
export const CHAT_BY_KIND: Record<PlatformKind, (call: ChatCall) => Promise<ChatOutcome>> = {
  'openai-compatible': openAIChat,
  'azure-openai': openAIChat,
  gemini: openAIChat,
  anthropic: anthropicChat,
  demo: demoChat,
}
