'use client'

import { Button, useDocumentInfo, useFormFields } from '@payloadcms/ui'
import { useState } from 'react'

type Action = { path: string; label: string; ask: { reason: string; amount?: boolean }; body?: Record<string, unknown>; when: (status: string, locked: boolean) => boolean }

const ACTIONS: Action[] = [
  { path: 'confirm', label: 'Confirm paid', ask: { reason: 'Why is this order paid (bank transfer reference, …)?' }, when: (s, locked) => !locked && ['pending', 'closed', 'failed'].includes(s) },
  { path: 'close', label: 'Close', ask: { reason: 'Why close this order?' }, when: (s) => s === 'pending' },
  { path: 'refund', label: 'Refund…', ask: { reason: 'Reason for the refund', amount: true }, when: (s, locked) => !locked && ['paid', 'partially-refunded'].includes(s) },
  { path: 'lock', label: 'Lock', ask: { reason: 'Why is this order suspicious?' }, body: { locked: true }, when: (_s, locked) => !locked },
  { path: 'lock', label: 'Unlock', ask: { reason: 'Why is it cleared?' }, body: { locked: false }, when: (_s, locked) => locked },
]

/**
 * Finance's buttons on an order: each asks for the reason (and the amount of a refund), calls the
 * order endpoint, which checks the permission and audits, and reloads to show the new state.
 */
export function OrderActions() {
  const { id } = useDocumentInfo()
  const status = String(useFormFields(([fields]) => fields.status?.value) ?? '')
  const locked = Boolean(useFormFields(([fields]) => fields.locked?.value))
  const [message, setMessage] = useState<string>()

  async function run(action: Action) {
    const reason = window.prompt(action.ask.reason)
    if (reason === null) return
    let amount: number | undefined
    if (action.ask.amount) {
      const typed = window.prompt('Amount to refund, in units of the currency (e.g. 12.50)')
      if (typed === null) return
      amount = Math.round(Number(typed) * 100) * 10_000
    }
    const res = await fetch(`/api/orders/${id}/${action.path}`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...action.body, reason, amount }),
    })
    const body = (await res.json().catch(() => ({}))) as { errors?: { message: string }[]; message?: string }
    if (!res.ok) return setMessage(body.errors?.[0]?.message ?? `Failed (${res.status}).`)
    window.location.reload()
  }

  if (!id) return null
  return (
    <div className="order-actions" style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center', marginBottom: 24 }}>
      {ACTIONS.filter((a) => a.when(status, locked)).map((action) => (
        <Button key={action.label} buttonStyle="secondary" size="small" onClick={() => void run(action)}>
          {action.label}
        </Button>
      ))}
      {message && <span role="alert" style={{ color: 'var(--theme-error-500)' }}>{message}</span>}
    </div>
  )
}
