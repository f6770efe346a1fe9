import { unitsText } from '../lib/units'

/** Calls to our own server with the session cookie; errors carry the server's message. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message)
  }
}

/** The message of a Payload-shaped (`{errors:[{message}]}`) or OpenAI-shaped (`{error:{message}}`) error body. */
export function errorOf(body: unknown, status: number): ApiError {
  const b = body as { errors?: { message?: string; code?: string; data?: { code?: string } }[]; error?: { message?: string; code?: string } } | null
  const first = b?.errors?.[0]
  const message = first?.message ?? b?.error?.message ?? `The server answered ${status}.`
  // Payload puts an error's code under `data`; our own routes put it beside the message.
  return new ApiError(message, status, first?.code ?? first?.data?.code ?? b?.error?.code)
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init
  const res = await fetch(path, {
    credentials: 'include',
    ...rest,
    headers: { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(headers as Record<string, string> | undefined) },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  })
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // A proxy's HTML error page: the status says enough.
  }
  if (!res.ok) throw errorOf(body, res.status)
  return body as T
}

/** Micro-units as the amount people read: two decimals, more when the amount has them (a request's 0.000123), never rounded. */
export const money = unitsText
