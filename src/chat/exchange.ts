import type { IncomingHttpHeaders } from 'node:http'

import type { Payload, TypedUser } from 'payload'

import type { Conversation, Message } from '../payload-types'
import { sessionKey, type Catalog } from '../relay/catalog'
import type { RelayError } from '../relay/errors'
import type { ChatRun, Relay, RelayCall } from '../relay/relay'
import type { OpenAIMessage } from '../relay/translate/openai-types'
import { isRefusal, readAnswer, startAnswer } from './answer'
import { ChatRefusal } from './errors'
import { loadChatModels, titleModelOf, type ChatModel } from './models'
import { assertFitsContext, modelMessages, readAttachments, userText, type Turn } from './prompt'
import {
  addMessage,
  conversationFor,
  createConversation,
  deleteConversation,
  deleteMessages,
  idOf,
  messageFor,
  messagesOf,
  turnOf,
  updateConversation,
  updateMessage,
} from './store'
import { generateTitle, provisionalTitle } from './title'

/** While an answer streams, what has arrived is saved this often, so a crash of the server keeps it. */
const PARTIAL_SAVE_MS = 1000

/** Saves the text of a streaming answer at most every PARTIAL_SAVE_MS, one save at a time. */
function partialSaver(save: (text: string) => Promise<unknown>) {
  let text = ''
  let savedAt = Date.now()
  let saving: Promise<unknown> = Promise.resolve()
  return {
    add(piece: string) {
      text += piece
      if (Date.now() - savedAt < PARTIAL_SAVE_MS) return
      savedAt = Date.now()
      const soFar = text
      // A failed partial save only loses a snapshot; the answer's final save still comes.
      saving = saving.then(() => save(soFar)).catch(() => undefined)
    },
    settled: () => saving,
  }
}

/**
 * One exchange of the chat app: send, regenerate or edit. Each first works out what the model
 * will be sent and refuses (unknown model, too long a prompt) before saving anything; then the
 * question is saved, the model called, and a refusal by the relay (no funds, rate limit) undoes
 * that save, so a refused request leaves no trace. From the first piece of the answer on,
 * everything travels as server-sent events.
 */

export type ChatDeps = { payload: Payload; relay: Relay; catalog: () => Catalog }

export type Caller = { user: TypedUser; headers: IncomingHttpHeaders; ip: string }

export type ChatEvent =
  | { type: 'conversation'; conversation: { id: string; title: string } }
  | { type: 'user' | 'assistant' | 'done'; message: Message }
  | { type: 'delta'; text: string }
  | { type: 'title'; title: string }
  | { type: 'error'; message: string; code: string; assistant?: Message }

/** Where the events go; `signal` aborts when the customer closes the request. */
export type EventStream = { signal: AbortSignal; open(): void; emit(event: ChatEvent): Promise<void> }

/** An exchange worked out but not yet saved. */
type Draft = {
  model: ChatModel
  models: ChatModel[]
  messages: OpenAIMessage[]
  /** The first question of its conversation: its answer names the conversation. */
  first: boolean
  /** Messages the new answer replaces, dropped once the relay accepted the request. */
  drop: string[]
  save(): Promise<{ conversation: Conversation; question: Message; undo(): Promise<void> }>
}

const body = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {})

const optionalText = (value: unknown, name: string): string | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new ChatRefusal(400, `${name} must be a string.`)
  return value
}

function modelNamed(models: ChatModel[], name: string | null | undefined): ChatModel {
  const model = name ? models.find((m) => m.name === name) : models.find((m) => m.default)
  if (!model) throw new ChatRefusal(404, name ? `The model ${name} does not exist or is not available.` : 'No chat model is available.', 'model_not_found')
  return model
}

function worked(models: ChatModel[], modelName: string | null | undefined, systemRole: string | null | undefined, turns: Turn[]) {
  const model = modelNamed(models, modelName)
  const messages = modelMessages({ systemRole, turns, vision: model.vision })
  assertFitsContext(messages, model)
  return { model, messages }
}

async function draftSend(deps: ChatDeps, user: TypedUser, input: Record<string, unknown>): Promise<Draft> {
  const content = optionalText(input.content, 'content') ?? ''
  const attachments = readAttachments(input.attachments)
  if (!content.trim() && attachments.length === 0) throw new ChatRefusal(400, 'Write a message or attach a file.')
  const systemRole = optionalText(input.systemRole, 'systemRole')
  const existing = input.conversation == null ? undefined : await conversationFor(deps.payload, user, input.conversation)
  const history = existing ? await messagesOf(deps.payload, existing.id) : []
  const models = await loadChatModels(deps.payload, deps.catalog())
  const role = systemRole ?? existing?.systemRole
  const { model, messages } = worked(models, optionalText(input.model, 'model') ?? existing?.model, role, [...history.map(turnOf), { role: 'user', content, attachments }])
  return {
    model,
    models,
    messages,
    first: history.length === 0,
    drop: [],
    async save() {
      const conversation = existing
        ? await updateConversation(deps.payload, existing.id, { model: model.name, ...(systemRole === undefined ? {} : { systemRole }) })
        : await createConversation(deps.payload, {
            owner: String(user.id),
            title: provisionalTitle(content, attachments.map((a) => a.name)),
            model: model.name,
            systemRole: role ?? null,
          })
      const question = await addMessage(deps.payload, conversation, history.at(-1)?.createdAt, { role: 'user', content, attachments, status: 'done' })
      const undo = async () => {
        if (existing) await deleteMessages(deps.payload, [question.id])
        else await deleteConversation(deps.payload, conversation.id)
      }
      return { conversation, question, undo }
    },
  }
}

/** The conversation of a message and where the message stands in it. */
async function placeOf(deps: ChatDeps, user: TypedUser, id: unknown, role: Message['role']) {
  const target = await messageFor(deps.payload, user, id)
  if (target.role !== role) throw new ChatRefusal(400, `That is not ${role === 'user' ? 'a question' : 'an answer'}.`)
  const conversation = await conversationFor(deps.payload, user, idOf(target.conversation))
  const all = await messagesOf(deps.payload, conversation.id)
  return { target, conversation, all, index: all.findIndex((m) => m.id === target.id) }
}

async function draftRegenerate(deps: ChatDeps, user: TypedUser, input: Record<string, unknown>): Promise<Draft> {
  const { target, conversation, all, index } = await placeOf(deps, user, input.message, 'assistant')
  const at = all.slice(0, index).findLastIndex((m) => m.role === 'user')
  if (at < 0) throw new ChatRefusal(400, 'That answer has no question before it.')
  const question = all[at]!
  const models = await loadChatModels(deps.payload, deps.catalog())
  const { model, messages } = worked(models, conversation.model ?? target.model, conversation.systemRole, all.slice(0, at + 1).map(turnOf))
  return {
    model,
    models,
    messages,
    first: at === 0,
    drop: all.slice(at + 1).map((m) => m.id),
    save: async () => ({ conversation, question, undo: async () => undefined }),
  }
}

async function draftEdit(deps: ChatDeps, user: TypedUser, input: Record<string, unknown>): Promise<Draft> {
  const content = optionalText(input.content, 'content')
  if (!content?.trim()) throw new ChatRefusal(400, 'Send the new text as content.')
  const { target, conversation, all, index } = await placeOf(deps, user, input.message, 'user')
  const models = await loadChatModels(deps.payload, deps.catalog())
  const turns = [...all.slice(0, index).map(turnOf), turnOf({ ...target, content })]
  const { model, messages } = worked(models, conversation.model ?? target.model, conversation.systemRole, turns)
  return {
    model,
    models,
    messages,
    first: index === 0,
    drop: all.slice(index + 1).map((m) => m.id),
    async save() {
      const question = await updateMessage(deps.payload, target.id, { content })
      return { conversation, question, undo: async () => void (await updateMessage(deps.payload, target.id, { content: target.content })) }
    },
  }
}

export const DRAFTS = { send: draftSend, regenerate: draftRegenerate, edit: draftEdit }

export type ExchangeKind = keyof typeof DRAFTS

/**
 * Runs an exchange to its end. Throws ChatRefusal before the stream opens (the caller answers it
 * as JSON); after `open()` every outcome is an event.
 */
export async function exchange(deps: ChatDeps, kind: ExchangeKind, caller: Caller, input: unknown, stream: EventStream): Promise<void> {
  const { payload, relay } = deps
  const draft = await DRAFTS[kind](deps, caller.user, body(input))
  const key = sessionKey(deps.catalog(), String(caller.user.id))
  const call: RelayCall = { body: undefined, headers: caller.headers, ip: caller.ip, signal: stream.signal, key }

  const { conversation, question, undo } = await draft.save()
  let run: ChatRun | undefined
  let failure: RelayError | Error | undefined
  try {
    run = await startAnswer(relay, call, draft.model.name, draft.messages, { stream: true })
  } catch (error) {
    if (isRefusal(error)) {
      await undo()
      throw new ChatRefusal(error.status, error.message, error.code ?? undefined, (error as { retryAfterSeconds?: number }).retryAfterSeconds)
    }
    failure = error as Error
  }
  await deleteMessages(payload, draft.drop)

  stream.open()
  await stream.emit({ type: 'conversation', conversation: { id: conversation.id, title: conversation.title } })
  await stream.emit({ type: 'user', message: question })
  const placeholder = await addMessage(payload, conversation, question.createdAt, { role: 'assistant', content: '', status: 'streaming', model: draft.model.name })
  await stream.emit({ type: 'assistant', message: placeholder })

  const partial = partialSaver((text) => updateMessage(payload, placeholder.id, { content: text }))
  const answer = run
    ? await readAnswer(relay, run, call, (text) => {
        partial.add(text)
        return stream.emit({ type: 'delta', text })
      })
    : undefined
  // The last partial save lands before the final one, never after it.
  await partial.settled()
  const status = answer?.status ?? (stream.signal.aborted ? 'stopped' : 'failed')
  const error = status === 'failed' ? (answer?.error ?? failure?.message ?? 'The answer failed.') : null
  const final = await updateMessage(payload, placeholder.id, {
    status,
    error,
    ...(answer ? { content: answer.text, usage: answer.usage, charge: answer.charge, requestId: answer.requestId } : {}),
  })
  // Also moves the conversation to the top of the list.
  await updateConversation(payload, conversation.id, { model: draft.model.name })

  if (status === 'failed') {
    const code = (failure as RelayError | undefined)?.code ?? 'answer_failed'
    return stream.emit({ type: 'error', message: error!, code, assistant: final })
  }
  if (status === 'stopped') return
  await stream.emit({ type: 'done', message: final })
  if (!draft.first) return
  // Not tied to the customer's request: a title is still worth having if they leave now.
  const titleCall: RelayCall = { ...call, signal: new AbortController().signal }
  const title = await generateTitle(relay, titleCall, titleModelOf(draft.models, draft.model).name, userText(turnOf(question)), answer!.text)
  if (!title) return
  await updateConversation(payload, conversation.id, { title })
  await stream.emit({ type: 'title', title })
}
