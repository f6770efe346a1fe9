'use client'

import { useAuth, useConfig } from '@payloadcms/ui'
import { useEffect, useState, type ReactNode } from 'react'

import { SecondFactorScreen } from './SecondFactorScreen'

type Status = { enabled: boolean; required: boolean; verified: boolean }

/**
 * Admin provider: a signed-in staff member who owes a second factor sees only the enrolment or the
 * code prompt until they pass it; the server refuses that session everything else anyway.
 */
export function SecondFactorGate({ children }: { children?: ReactNode }) {
  const { user } = useAuth()
  const { config } = useConfig()
  const api = `${config.routes.api}/admins/second-factor`
  const [status, setStatus] = useState<Status | null>(null)
  const userId = user?.collection === 'admins' ? user.id : undefined

  useEffect(() => {
    setStatus(null)
    if (userId === undefined) return
    fetch(api, { credentials: 'include' })
      .then((res) => (res.ok ? res.json() : { enabled: false, required: false, verified: false }))
      .then(setStatus)
  }, [api, userId])

  if (userId === undefined) return <>{children}</>
  // Nothing of the admin shows before we know whether it may.
  if (!status) return null
  if (status.required && !status.verified) {
    // A full reload lets the server render the admin with the permissions the session now has.
    return <SecondFactorScreen api={api} signOutUrl={`${config.routes.admin}/logout`} enrolled={status.enabled} onPassed={() => window.location.reload()} />
  }
  return <>{children}</>
}
