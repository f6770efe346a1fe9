'use client'

import { useEffect, useState, type FormEvent } from 'react'

import { api, ApiError } from '../api'
import { useT, type Strings } from '../i18n'
import { SecondFactorField } from './SecondFactorField'

const strings: Strings<'phone' | 'code' | 'send' | 'resend' | 'sent' | 'signIn' | 'working'> = {
  'zh-CN': { phone: '手机号', code: '短信验证码', send: '获取验证码', resend: '{seconds} 秒后可重发', sent: '验证码已发送。', signIn: '登录 / 注册', working: '请稍候…' },
  en: { phone: 'Phone number', code: 'Code from the SMS', send: 'Send code', resend: 'Resend in {seconds}s', sent: 'The code is on its way.', signIn: 'Sign in', working: 'One moment…' },
}

const RESEND_SECONDS = 60

/** A code by SMS, then a session for that phone's account (created on first sign-in when registration is open). */
export function PhoneSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useT(strings)
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  // Asked for once the server says the account has a second factor.
  const [totp, setTotp] = useState<string | null>(null)
  const [wait, setWait] = useState(0)
  const [sent, setSent] = useState(false)
  const [working, setWorking] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    if (wait <= 0) return
    const timer = setTimeout(() => setWait(wait - 1), 1000)
    return () => clearTimeout(timer)
  }, [wait])

  async function attempt(work: () => Promise<void>) {
    setWorking(true)
    setProblem(null)
    try {
      await work()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'totp_required') setTotp('')
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setWorking(false)
    }
  }

  const sendCode = () =>
    attempt(async () => {
      const answer = await api<{ retryAfter?: number }>('/api/auth/sms/send', { method: 'POST', json: { phone: phone.trim() } })
      setSent(true)
      setWait(answer?.retryAfter ?? RESEND_SECONDS)
    })

  const verify = (event: FormEvent) => {
    event.preventDefault()
    const referral = new URLSearchParams(window.location.search).get('ref') ?? undefined
    void attempt(async () => {
      await api('/api/auth/sms/verify', { method: 'POST', json: { phone: phone.trim(), code: code.trim(), referral, ...(totp ? { totp: totp.trim() } : {}) } })
      onSignedIn()
    })
  }

  return (
    <form className="auth-form" onSubmit={verify}>
      <label>
        {t('phone')}
        <span className="row">
          <input name="phone" type="tel" autoComplete="tel" required value={phone} onChange={(e) => setPhone(e.target.value)} />
          <button type="button" onClick={() => void sendCode()} disabled={working || wait > 0 || !phone.trim()}>
            {wait > 0 ? t('resend', { seconds: wait }) : t('send')}
          </button>
        </span>
      </label>
      {sent && <p className="notice">{t('sent')}</p>}
      <label>
        {t('code')}
        <input name="code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      {totp !== null && <SecondFactorField value={totp} onChange={setTotp} />}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={working || !sent}>
        {working ? t('working') : t('signIn')}
      </button>
    </form>
  )
}
