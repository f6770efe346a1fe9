import type { Access } from 'payload'

import { readAuthSettings } from '../auth/settings'
import { staffCan } from './staff'

/**
 * Staff by the matrix; anyone not signed in may sign up with an email while registration and
 * email sign-in are on (what they may send is checked by checkSignUp).
 */
export const customerSignUp: Access = async ({ req }) => {
  if (staffCan(req.user, 'users', 'create')) return true
  if (req.user) return false
  const settings = await readAuthSettings(req.payload, { req })
  return Boolean(settings.registrationOpen && settings.emailSignIn)
}
