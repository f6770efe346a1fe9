/** The shapes docs/chat-api.md promises, as the pages use them. */

export type User = { id: string; email?: string | null; username?: string | null; name?: string | null; phone?: string | null }

export type ChatConfig = {
  methods: { email: boolean; phone: boolean; wechat: boolean }
  registrationOpen: boolean
  currency: string
}

export type Prices = { input: number; output: number; cachedInput: number; request: number; perThousandCharacters: number }

export type Model = {
  name: string
  kind: string
  contextWindow: number | null
  vision: boolean
  default: boolean
  covered: boolean
  free: boolean
  prices: Prices
}

export type Conversation = { id: string; title: string | null; model?: string | null; systemRole?: string | null; updatedAt?: string }

export type Attachment = { name: string; kind: 'text' | 'image' | 'audio'; text?: string; tokens?: number; dataUrl?: string }

export type MessageStatus = 'done' | 'streaming' | 'stopped' | 'failed'

export type Message = {
  id: string
  role: 'user' | 'assistant'
  content: string
  status?: MessageStatus
  error?: string | null
  model?: string | null
  attachments?: { name: string; kind: string; tokens?: number }[] | null
  usage?: { promptTokens?: number; completionTokens?: number } | null
  charge?: number | null
  createdAt?: string
}

export type Paged<T> = { docs: T[]; hasNextPage: boolean; page?: number }
