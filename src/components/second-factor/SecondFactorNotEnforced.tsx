import type { Payload } from 'payload'

/** Dashboard warning while STAFF_TOTP_REQUIRED=false: the roles that should need a second factor do not. */
export function SecondFactorNotEnforced({ payload }: { payload: Payload }) {
  if (payload.config.custom?.staffTotpRequired === true) return null
  return (
    <div className="second-factor-not-enforced" role="status" style={{ padding: 'var(--base)', marginBottom: 'var(--base)', border: '1px solid var(--theme-warning-500)', background: 'var(--theme-warning-100)', borderRadius: 'var(--style-radius-m)' }}>
      <strong>Second factors are not enforced.</strong> STAFF_TOTP_REQUIRED is off, so super-admins and finance staff can sign in with a password alone. Turn it on in production.
    </div>
  )
}
