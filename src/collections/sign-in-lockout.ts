/** Accounts lock for 15 minutes after five failed sign-ins in a row (Payload's own lock-out). */
export const SIGN_IN_LOCKOUT = {
  maxLoginAttempts: 5,
  lockTime: 15 * 60 * 1000,
}
