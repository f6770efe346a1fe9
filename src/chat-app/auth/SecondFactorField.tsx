'use client'

import { useT, type Strings } from '../i18n'

const strings: Strings<'totp'> = {
  'zh-CN': { totp: '验证器中的 6 位代码' },
  en: { totp: '6-digit code from your authenticator' },
}

/** The authenticator code a customer with the second factor on is asked for, whichever way they sign in. */
export function SecondFactorField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const t = useT(strings)
  return (
    <label>
      {t('totp')}
      <input name="totp" inputMode="numeric" autoComplete="one-time-code" required value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  )
}
