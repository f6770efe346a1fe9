import type { Relay, RelayCall } from '../relay/relay'
import { CHAT_ENDPOINT, startAnswer } from './answer'

/** Conversation titles: the first words of the question at once, the title model's after the first answer. */

const TITLE_LENGTH = 40
const EXCERPT_LENGTH = 1000

export const UNTITLED = 'New conversation'

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text
}

/** The first words of a question; a message with only files is named after the first one. */
export function provisionalTitle(content: string, attachmentNames: string[] = []): string {
  return cut(oneLine(content) || attachmentNames[0] || UNTITLED, TITLE_LENGTH)
}

/** A model's answer as a title: its first line, without the quotes, heading marks or label models like to add. */
export function cleanTitle(answer: string): string | undefined {
  const line = answer.split('\n').map((l) => l.trim()).find(Boolean) ?? ''
  const bare = line
    .replace(/^#+\s*/, '')
    .replace(/^(title|标题)\s*[:：]\s*/i, '')
    .replace(/^["'“”‘’「『《*]+|["'“”‘’」』》*]+$/g, '')
    .replace(/[。.!！]+$/, '')
    .trim()
  return bare ? cut(bare, TITLE_LENGTH) : undefined
}

const INSTRUCTION =
  'Write a short title (at most 8 words, or 15 characters in Chinese or Japanese) for the conversation below, in the language the user wrote in. Answer with the title alone: no quotes, no punctuation at the end.'

/**
 * Asks the title model through the relay on the customer's session, billed like any request.
 * Any failure leaves the provisional title, so it answers undefined rather than throwing.
 */
export async function generateTitle(relay: Relay, call: RelayCall, model: string, question: string, answer: string): Promise<string | undefined> {
  const messages = [
    { role: 'system' as const, content: INSTRUCTION },
    { role: 'user' as const, content: `User: ${cut(question, EXCERPT_LENGTH)}\n\nAssistant: ${cut(answer, EXCERPT_LENGTH)}` },
  ]
  let run
  try {
    run = await startAnswer(relay, call, model, messages, { stream: false, maxTokens: 30 })
  } catch {
    return undefined
  }
  if (run.outcome.kind !== 'completion') {
    relay.logRun(run, call, CHAT_ENDPOINT, { status: 'error', httpStatus: 502, error: `unexpected answer of kind ${run.outcome.kind}` })
    return undefined
  }
  run.meter.observeCompletion(run.outcome.completion)
  relay.logRun(run, call, CHAT_ENDPOINT, { status: 'success', httpStatus: 200 })
  return cleanTitle(run.outcome.completion.choices[0]?.message.content ?? '')
}
