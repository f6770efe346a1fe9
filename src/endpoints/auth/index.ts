import type { Endpoint } from 'payload'

/** Sign-in flows outside Payload's own auth routes, served under /api/auth. */
export const authEndpoints: Endpoint[] = []
