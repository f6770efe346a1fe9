import type { CollectionConfig } from 'payload'

import { passSessionAtSignIn, requireSecondFactorAtSignIn, staffSecondFactorStrategy } from '../auth/second-factor-sign-in'
import { secondFactorEndpoints } from '../endpoints/second-factor'
import type { Secrets } from '../lib/secrets'

/**
 * The TOTP second factor on an auth collection: its endpoints on both; customers answer it at
 * password sign-in, staff after it (their session can do nothing else until then).
 */
export function withSecondFactor(collection: CollectionConfig, secrets: Secrets): CollectionConfig {
  const endpoints = [...(collection.endpoints || []), ...secondFactorEndpoints(secrets)]
  const auth = typeof collection.auth === 'object' ? collection.auth : {}
  const hooks = collection.hooks ?? {}
  if (collection.slug === 'admins') {
    return { ...collection, endpoints, auth: { ...auth, strategies: [...(auth.strategies ?? []), { name: 'second-factor-jwt', authenticate: staffSecondFactorStrategy }] } }
  }
  return {
    ...collection,
    endpoints,
    hooks: {
      ...hooks,
      beforeLogin: [...(hooks.beforeLogin ?? []), requireSecondFactorAtSignIn(secrets)],
      afterLogin: [...(hooks.afterLogin ?? []), passSessionAtSignIn],
    },
  }
}
