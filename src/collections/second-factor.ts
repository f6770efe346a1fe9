import type { Field, FieldAccess } from 'payload'

const never: FieldAccess = () => false

/**
 * TOTP second factor, on customers and staff alike. Only the second-factor endpoints write these
 * (src/auth/totp.ts); the secret and recovery codes are never returned by any API.
 */
export const secondFactorFields: Field[] = [
  {
    name: 'totpEnabled',
    label: 'Two-factor sign-in',
    type: 'checkbox',
    defaultValue: false,
    access: { create: never, update: never },
    admin: { readOnly: true, position: 'sidebar' },
  },
  {
    name: 'totpSecret',
    type: 'text',
    custom: { secret: true },
    access: { read: never, create: never, update: never },
    admin: { hidden: true },
  },
  {
    name: 'totpPendingSecret',
    type: 'text',
    custom: { secret: true },
    access: { read: never, create: never, update: never },
    admin: { hidden: true },
  },
  {
    // Hashes of unused recovery codes.
    name: 'totpRecoveryCodes',
    type: 'json',
    custom: { secret: true },
    access: { read: never, create: never, update: never },
    admin: { hidden: true },
  },
  {
    // The time step of the last code accepted: a code (or an older one) never works twice.
    name: 'totpLastStep',
    type: 'number',
    access: { read: never, create: never, update: never },
    admin: { hidden: true },
  },
  {
    // Sessions (sids) that passed the second factor.
    name: 'totpSessions',
    type: 'json',
    access: { read: never, create: never, update: never },
    admin: { hidden: true },
  },
]
