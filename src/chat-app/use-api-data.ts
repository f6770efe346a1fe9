'use client'

import { useCallback, useEffect, useState } from 'react'

import { api } from './api'

export type ApiData<T> = { data?: T; error?: string; loading: boolean; reload: () => void }

/**
 * A GET kept in state: loads when `path` changes or `reload()` is called, keeps what it had while
 * loading again, and drops answers that arrive after the path has moved on. A null path loads nothing.
 */
export function useApiData<T>(path: string | null): ApiData<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: path !== null })
  const [version, setVersion] = useState(0)
  useEffect(() => {
    if (path === null) return
    const controller = new AbortController()
    setState((previous) => ({ data: previous.data, loading: true }))
    api<T>(path, { signal: controller.signal }).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false })
      },
      (error: Error) => {
        if (!controller.signal.aborted) setState((previous) => ({ data: previous.data, error: error.message, loading: false }))
      },
    )
    return () => controller.abort()
  }, [path, version])
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  return { ...state, reload }
}
