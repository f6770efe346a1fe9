import { APIError } from 'payload'

import type { AuthSettings } from '../settings'

/** Delivers a sign-in code to a phone (E.164, see normalizePhone). */
export interface SmsProvider {
  send(phone: string, code: string): Promise<void>
}

export type SmsSettings = NonNullable<AuthSettings['sms']>

/**
 * The provider refused or could not be reached. Public on purpose: whoever tries it first is
 * often the operator, and the provider's own words (a wrong signature, an unapproved template)
 * say what to fix.
 */
export class SmsDeliveryError extends APIError {
  constructor(provider: string, detail: string) {
    super(`${provider} did not send the code: ${detail}. Check the SMS settings under Sign-in settings.`, 502, { code: 'sms_failed' }, true)
  }
}

/** Reads an upstream answer as JSON; anything else (a proxy's HTML page) is a delivery failure. */
export async function postForJson(provider: string, url: string, init: RequestInit): Promise<Record<string, any>> {
  let res: Response
  try {
    res = await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(10_000) })
  } catch (error) {
    throw new SmsDeliveryError(provider, `${url} could not be reached (${(error as Error).message})`)
  }
  const text = await res.text()
  try {
    return JSON.parse(text) as Record<string, any>
  } catch {
    throw new SmsDeliveryError(provider, `${url} answered HTTP ${res.status} that is not JSON`)
  }
}
