'use client'

import { useCallback, useEffect, useState } from 'react'

import { api, ApiError } from '../api'
import type { Conversation, Paged } from '../types'

const PAGE_SIZE = 30

function listPath(page: number, query: string) {
  const search = query.trim() ? `&where[title][like]=${encodeURIComponent(query.trim())}` : ''
  return `/api/conversations?sort=-updatedAt&limit=${PAGE_SIZE}&page=${page}&depth=0${search}`
}

/** The customer's conversations, newest first, a page at a time, filtered by title. */
export function useConversations() {
  const [items, setItems] = useState<Conversation[]>([])
  const [page, setPage] = useState(1)
  const [hasMore, setHasMore] = useState(false)
  const [query, setQuery] = useState('')
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const load = useCallback(async (nextPage: number, search: string, signal?: { live: boolean }) => {
    setLoading(true)
    try {
      const result = await api<Paged<Conversation>>(listPath(nextPage, search))
      if (signal && !signal.live) return
      setItems((list) => (nextPage === 1 ? result.docs : [...list, ...result.docs.filter((d) => !list.some((c) => c.id === d.id))]))
      setPage(nextPage)
      setHasMore(result.hasNextPage)
      setError(null)
    } catch (caught) {
      if (!signal || signal.live) setError(caught instanceof ApiError ? caught.message : String(caught))
    } finally {
      if (!signal || signal.live) setLoading(false)
    }
  }, [])

  // A search waits for typing to pause.
  useEffect(() => {
    const signal = { live: true }
    const timer = setTimeout(() => void load(1, query, signal), query ? 250 : 0)
    return () => {
      signal.live = false
      clearTimeout(timer)
    }
  }, [query, load])

  const loadMore = useCallback(() => load(page + 1, query), [load, page, query])

  /** A conversation created or answered moves to the top; a new title replaces the old. */
  const touch = useCallback((conversation: Conversation) => {
    setItems((list) => [{ ...list.find((c) => c.id === conversation.id), ...conversation }, ...list.filter((c) => c.id !== conversation.id)])
  }, [])

  const rename = useCallback(async (id: string, title: string) => {
    await api(`/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', json: { title } })
    setItems((list) => list.map((c) => (c.id === id ? { ...c, title } : c)))
  }, [])

  const remove = useCallback(async (id: string) => {
    await api(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' })
    setItems((list) => list.filter((c) => c.id !== id))
  }, [])

  return { items, hasMore, loading, error, query, setQuery, loadMore, touch, rename, remove }
}
