'use client'

import { Button, useDocumentInfo } from '@payloadcms/ui'
import { useState } from 'react'

/** Asks the provider for this key's balance now (the endpoint checks the permission) and reloads to show it. */
export function CheckBalance() {
  const { id } = useDocumentInfo()
  const [message, setMessage] = useState<string>()
  const [busy, setBusy] = useState(false)

  async function check() {
    setBusy(true)
    const res = await fetch(`/api/provider-keys/${id}/check-balance`, { method: 'POST', credentials: 'include' })
    const body = (await res.json().catch(() => ({}))) as { errors?: { message: string }[]; message?: string }
    setBusy(false)
    if (!res.ok) return setMessage(body.errors?.[0]?.message ?? `Failed (${res.status}).`)
    if (body.message) return setMessage(body.message)
    window.location.reload()
  }

  if (!id) return null
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 24 }}>
      <Button buttonStyle="secondary" size="small" disabled={busy} onClick={() => void check()}>
        Check balance now
      </Button>
      {message && <span role="status">{message}</span>}
    </div>
  )
}
