'use client'

import { useCallback, useEffect, useRef, useState } from 'react'

import { api, ApiError } from '../api'
import type { Attachment, Conversation, Message, Paged } from '../types'
import { postStream, type ChatEvent } from './stream'

const PENDING = 'pending-user'

const upsert = (messages: Message[], message: Message) =>
  messages.some((m) => m.id === message.id) ? messages.map((m) => (m.id === message.id ? message : m)) : [...messages.filter((m) => m.id !== PENDING || message.role !== 'user'), message]

const asApiError = (error: unknown) => (error instanceof ApiError ? error : new ApiError(error instanceof Error ? error.message : String(error), 0))

/**
 * One conversation's messages and the streams that add to them. `onChange` hears of a conversation
 * created, renamed by the title model or answered, so the sidebar can move it to the top.
 */
export function useChat(conversationId: string | null, onChange: (conversation: Conversation) => void) {
  const [conversation, setConversation] = useState<Conversation | null>(null)
  const [messages, setMessages] = useState<Message[]>([])
  const [loading, setLoading] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [draftSystemRole, setDraftSystemRole] = useState('')
  const abortRef = useRef<AbortController | null>(null)
  const loadedRef = useRef<string | null>(null)
  const conversationRef = useRef<Conversation | null>(null)
  conversationRef.current = conversation

  useEffect(() => {
    // A conversation this hook just created by sending is already on screen.
    if (conversationId === loadedRef.current) return
    abortRef.current?.abort()
    loadedRef.current = conversationId
    setError(null)
    setMessages([])
    setConversation(null)
    if (!conversationId) return
    let live = true
    setLoading(true)
    const id = encodeURIComponent(conversationId)
    Promise.all([
      api<Conversation>(`/api/conversations/${id}?depth=0`),
      api<Paged<Message>>(`/api/messages?where[conversation][equals]=${id}&sort=createdAt&limit=500&depth=0`),
    ])
      .then(([found, list]) => {
        if (!live) return
        setConversation(found)
        setMessages(list.docs)
      })
      .catch((caught: unknown) => live && setError(asApiError(caught)))
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
  }, [conversationId])

  const run = useCallback(
    async (path: string, body: unknown): Promise<boolean> => {
      const controller = new AbortController()
      abortRef.current = controller
      setBusy(true)
      setError(null)
      let assistantId: string | null = null
      let saved = false
      const onEvent = (event: ChatEvent) => {
        switch (event.type) {
          case 'conversation':
            loadedRef.current = event.conversation.id
            conversationRef.current = event.conversation
            setConversation(event.conversation)
            onChange(event.conversation)
            break
          case 'user':
            saved = true
            setMessages((ms) => upsert(ms, event.message))
            break
          case 'assistant':
            assistantId = event.message.id
            setMessages((ms) => upsert(ms, { ...event.message, content: event.message.content ?? '' }))
            break
          case 'delta':
            setMessages((ms) => ms.map((m) => (m.id === assistantId ? { ...m, content: m.content + event.text } : m)))
            break
          case 'done':
            setMessages((ms) => upsert(ms, event.message))
            if (conversationRef.current) onChange({ ...conversationRef.current, updatedAt: new Date().toISOString() })
            break
          case 'title': {
            if (!conversationRef.current) break
            const renamed = { ...conversationRef.current, title: event.title }
            conversationRef.current = renamed
            setConversation(renamed)
            onChange(renamed)
            break
          }
          case 'error':
            setMessages((ms) => ms.map((m) => (m.id === assistantId ? { ...m, status: 'failed', error: event.message } : m)))
            setError(new ApiError(event.message, 0, event.code))
            break
        }
      }
      try {
        await postStream(path, body, controller.signal, onEvent)
      } catch (caught) {
        if (controller.signal.aborted) {
          setMessages((ms) => ms.map((m) => (m.id === assistantId && m.status === 'streaming' ? { ...m, status: 'stopped' } : m)))
        } else {
          setError(asApiError(caught))
          if (!saved) setMessages((ms) => ms.filter((m) => m.id !== PENDING))
        }
      } finally {
        if (abortRef.current === controller) abortRef.current = null
        setBusy(false)
      }
      return saved
    },
    [onChange],
  )

  /** Resolves false when the server refused before saving the message, so the draft can be kept. */
  const send = useCallback(
    (model: string, content: string, attachments: Attachment[]) => {
      const current = conversationRef.current
      const pending: Message = { id: PENDING, role: 'user', content, status: 'done', attachments: attachments.map(({ name, kind, tokens }) => ({ name, kind, tokens })) }
      setMessages((ms) => [...ms, pending])
      return run('/api/chat/send', {
        ...(current ? { conversation: current.id } : { systemRole: draftSystemRole || undefined }),
        model,
        content,
        attachments: attachments.map(({ name, kind, text, dataUrl }) => ({ name, kind: kind === 'image' ? 'image' : 'text', text, dataUrl })),
      })
    },
    [run, draftSystemRole],
  )

  const regenerate = useCallback(
    (assistantId: string) => {
      setMessages((ms) => ms.filter((m) => m.id !== assistantId))
      return run('/api/chat/regenerate', { message: assistantId })
    },
    [run],
  )

  const edit = useCallback(
    (userId: string, content: string) => {
      setMessages((ms) => {
        const at = ms.findIndex((m) => m.id === userId)
        return at < 0 ? ms : [...ms.slice(0, at), { ...ms[at]!, content }]
      })
      return run('/api/chat/edit', { message: userId, content })
    },
    [run],
  )

  const stop = useCallback(() => abortRef.current?.abort(), [])

  const saveSystemRole = useCallback(
    async (systemRole: string) => {
      const current = conversationRef.current
      if (!current) return setDraftSystemRole(systemRole)
      const { doc } = await api<{ doc: Conversation }>(`/api/conversations/${encodeURIComponent(current.id)}`, { method: 'PATCH', json: { systemRole } })
      setConversation((c) => (c ? { ...c, systemRole: doc.systemRole ?? systemRole } : c))
    },
    [],
  )

  const systemRole = conversation ? (conversation.systemRole ?? '') : draftSystemRole
  return { conversation, messages, loading, busy, error, setError, send, regenerate, edit, stop, systemRole, saveSystemRole }
}
