import type { Endpoint } from 'payload'

import type { Secrets } from '../../lib/secrets'
import { smsEndpoints } from './sms'
import { wechatEndpoints } from './wechat'

/** Sign-in flows outside Payload's own auth routes, served under /api/auth. */
export function authEndpoints(secrets: Secrets): Endpoint[] {
  return [...smsEndpoints(secrets), ...wechatEndpoints(secrets)]
}
