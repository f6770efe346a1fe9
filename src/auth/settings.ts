import type { Payload, PayloadRequest } from 'payload'

import type { AuthSetting } from '../payload-types'
import { REVEAL_AUTH_SECRETS } from '../globals/AuthSettings'

export type AuthSettings = AuthSetting

/**
 * The sign-in settings as stored now. `reveal` opens the sealed SMS and WeChat credentials' field
 * (still sealed: callers open them with Secrets); nobody else ever sees those values.
 */
export async function readAuthSettings(payload: Payload, options: { req?: PayloadRequest; reveal?: boolean } = {}): Promise<AuthSettings> {
  return payload.findGlobal({
    slug: 'auth-settings',
    depth: 0,
    overrideAccess: true,
    context: options.reveal ? { [REVEAL_AUTH_SECRETS]: true } : {},
    req: options.req,
  })
}
