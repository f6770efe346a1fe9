'use client'

import { useState, type FormEvent } from 'react'

import { api, ApiError } from '../api'
import { useT, type Strings } from '../i18n'
import { SecondFactorField } from './SecondFactorField'

const strings: Strings<
  | 'identifier'
  | 'email'
  | 'password'
  | 'signIn'
  | 'signUp'
  | 'createAccount'
  | 'forgot'
  | 'sendReset'
  | 'back'
  | 'noAccount'
  | 'haveAccount'
  | 'checkMail'
  | 'resetSent'
  | 'working'
> = {
  'zh-CN': {
    identifier: '邮箱或用户名',
    email: '邮箱',
    password: '密码',
    signIn: '登录',
    signUp: '注册',
    createAccount: '创建账号',
    forgot: '忘记密码？',
    sendReset: '发送重置链接',
    back: '返回登录',
    noAccount: '还没有账号？',
    haveAccount: '已有账号？',
    checkMail: '账号已创建。我们已向 {email} 发送验证邮件：点击邮件中的链接，然后登录。',
    resetSent: '如果 {email} 有账号，我们已发送重置密码的链接。',
    working: '请稍候…',
  },
  en: {
    identifier: 'Email or username',
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    signUp: 'Sign up',
    createAccount: 'Create account',
    forgot: 'Forgot your password?',
    sendReset: 'Send a reset link',
    back: 'Back to sign in',
    noAccount: 'No account yet?',
    haveAccount: 'Have an account?',
    checkMail: 'Your account is created. We sent a verification mail to {email}: open its link, then sign in.',
    resetSent: 'If {email} has an account, a link to reset its password is on its way.',
    working: 'One moment…',
  },
}

type Mode = 'signIn' | 'signUp' | 'forgot' | 'notice'

const loginBody = (identifier: string, password: string, totp: string) => ({
  ...(identifier.includes('@') ? { email: identifier } : { username: identifier }),
  password,
  ...(totp ? { totp } : {}),
})

/** Email and password: sign in (with a second factor when the account has one), sign up, forgotten password. */
export function EmailSignIn({ registrationOpen, onSignedIn }: { registrationOpen: boolean; onSignedIn: () => void }) {
  const t = useT(strings)
  const [mode, setMode] = useState<Mode>('signIn')
  const [identifier, setIdentifier] = useState('')
  const [password, setPassword] = useState('')
  const [totp, setTotp] = useState<string | null>(null)
  const [working, setWorking] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const login = () => api('/api/users/login', { method: 'POST', json: loginBody(identifier.trim(), password, totp ?? '') })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setWorking(true)
    setProblem(null)
    try {
      if (mode === 'signIn') {
        await login()
        onSignedIn()
      } else if (mode === 'signUp') {
        const referral = new URLSearchParams(window.location.search).get('ref') ?? undefined
        await api('/api/users', { method: 'POST', json: { email: identifier.trim(), password, referral } })
        // Signed in at once when the operator asks for no verification; otherwise the mail says what to do.
        const signedIn = await login().then(
          () => true,
          () => false,
        )
        if (signedIn) return onSignedIn()
        setNotice(t('checkMail', { email: identifier.trim() }))
        setMode('notice')
      } else if (mode === 'forgot') {
        await api('/api/users/forgot-password', { method: 'POST', json: { email: identifier.trim() } })
        setNotice(t('resetSent', { email: identifier.trim() }))
        setMode('notice')
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'totp_required') setTotp('')
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setWorking(false)
    }
  }

  const switchTo = (next: Mode) => {
    setMode(next)
    setProblem(null)
  }

  if (mode === 'notice') {
    return (
      <div className="auth-form">
        <p role="status" className="notice">
          {notice}
        </p>
        <button type="button" className="link" onClick={() => switchTo('signIn')}>
          {t('back')}
        </button>
      </div>
    )
  }

  return (
    <form className="auth-form" onSubmit={submit} data-mode={mode}>
      <label>
        {mode === 'signIn' ? t('identifier') : t('email')}
        <input
          name="email"
          type={mode === 'signIn' ? 'text' : 'email'}
          autoComplete={mode === 'signIn' ? 'username' : 'email'}
          required
          value={identifier}
          onChange={(e) => setIdentifier(e.target.value)}
        />
      </label>
      {mode !== 'forgot' && (
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete={mode === 'signUp' ? 'new-password' : 'current-password'}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
      )}
      {mode === 'signIn' && totp !== null && <SecondFactorField value={totp} onChange={setTotp} />}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={working}>
        {working ? t('working') : mode === 'signIn' ? t('signIn') : mode === 'signUp' ? t('createAccount') : t('sendReset')}
      </button>
      <div className="auth-links">
        {mode === 'signIn' && (
          <>
            <button type="button" className="link" onClick={() => switchTo('forgot')}>
              {t('forgot')}
            </button>
            {registrationOpen && (
              <span>
                {t('noAccount')}{' '}
                <button type="button" className="link" onClick={() => switchTo('signUp')}>
                  {t('signUp')}
                </button>
              </span>
            )}
          </>
        )}
        {mode === 'signUp' && (
          <span>
            {t('haveAccount')}{' '}
            <button type="button" className="link" onClick={() => switchTo('signIn')}>
              {t('signIn')}
            </button>
          </span>
        )}
        {mode === 'forgot' && (
          <button type="button" className="link" onClick={() => switchTo('signIn')}>
            {t('back')}
          </button>
        )}
      </div>
    </form>
  )
}
