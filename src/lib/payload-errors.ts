import type { Response as ExpressResponse } from 'express'
import { APIError } from 'payload'

/**
 * Errors in Payload's REST shape, `{errors: [{message}]}`, so custom routes answer like the
 * generated ones: as a fetch Response from Payload endpoints, or written on an express response.
 * `code` names the refusal for clients that branch on it (insufficient_quota, account_frozen, …).
 */
export function payloadError(status: number, message: string): Response {
  return Response.json({ errors: [{ message }] }, { status })
}

export function sendPayloadError(res: ExpressResponse, status: number, message: string, code?: string): void {
  res.status(status).json({ errors: [{ message, ...(code ? { code } : {}) }] })
}

/**
 * An error to throw from hooks and Local API code: Payload answers it with `status` and the same
 * shape, naming the field (`path`) that was wrong when there is one.
 */
export function refusal(message: string, { status = 400, path }: { status?: number; path?: string } = {}): APIError {
  return new APIError(message, status, { errors: [{ message, ...(path ? { path } : {}) }] }, true)
}
