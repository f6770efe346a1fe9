'use client'

import { useEffect, useState, type FormEvent } from 'react'

import { api } from '../api'
import { useT, type Strings } from '../i18n'
import { SecondFactorField } from './SecondFactorField'

const strings: Strings<'show' | 'scan' | 'expired' | 'again' | 'working' | 'scanned' | 'signIn'> = {
  'zh-CN': {
    show: '显示微信二维码',
    scan: '用微信扫码并关注公众号即可登录。',
    expired: '二维码已过期。',
    again: '换一个二维码',
    working: '请稍候…',
    scanned: '已扫码。此账号开启了两步验证，请输入验证器中的代码。',
    signIn: '登录',
  },
  en: {
    show: 'Show the WeChat QR code',
    scan: 'Scan with WeChat and follow the account to sign in.',
    expired: 'This QR code has expired.',
    again: 'Get a new QR code',
    working: 'One moment…',
    scanned: 'Scanned. This account has two-factor sign-in: enter the code from your authenticator.',
    signIn: 'Sign in',
  },
}

const POLL_MS = 2000

type Scan = { scene: string; qrUrl: string }
type Status = { status: 'pending' | 'signed-in' | 'second-factor' | 'expired' | 'refused'; reason?: string }

/** Shows the account's QR code and polls until the scan signs the browser in. */
export function WechatSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useT(strings)
  const [scan, setScan] = useState<Scan | null>(null)
  const [working, setWorking] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  // Set when the scan signed in an account with a second factor: its code finishes the sign-in.
  const [totp, setTotp] = useState<string | null>(null)

  async function newCode() {
    setWorking(true)
    setProblem(null)
    try {
      const referral = new URLSearchParams(window.location.search).get('ref') ?? undefined
      setTotp(null)
      setScan(await api<Scan>('/api/auth/wechat/qrcode', { method: 'POST', json: { referral } }))
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setWorking(false)
    }
  }

  useEffect(() => {
    if (!scan || totp !== null) return
    let live = true
    const poll = async () => {
      if (!live) return
      try {
        const { status, reason } = await api<Status>(`/api/auth/wechat/status/${encodeURIComponent(scan.scene)}`)
        if (!live) return
        if (status === 'signed-in') return onSignedIn()
        if (status === 'second-factor') return setTotp('')
        if (status !== 'pending') {
          setScan(null)
          return setProblem(reason ?? t('expired'))
        }
      } catch (error) {
        if (live) setProblem(error instanceof Error ? error.message : String(error))
      }
      if (live) timer = setTimeout(poll, POLL_MS)
    }
    let timer = setTimeout(poll, POLL_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [scan, totp, onSignedIn, t])

  async function finish(event: FormEvent) {
    event.preventDefault()
    if (!scan) return
    setWorking(true)
    setProblem(null)
    try {
      await api(`/api/auth/wechat/status/${encodeURIComponent(scan.scene)}`, { method: 'POST', json: { totp: (totp ?? '').trim() } })
      onSignedIn()
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setWorking(false)
    }
  }

  if (scan && totp !== null) {
    return (
      <form className="auth-form wechat" onSubmit={finish}>
        <p className="notice">{t('scanned')}</p>
        <SecondFactorField value={totp} onChange={setTotp} />
        {problem && (
          <p role="alert" className="problem">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={working}>
          {working ? t('working') : t('signIn')}
        </button>
      </form>
    )
  }

  return (
    <div className="auth-form wechat">
      {scan ? (
        <>
          <img className="qr" src={scan.qrUrl} alt="WeChat QR code" width={200} height={200} />
          <p>{t('scan')}</p>
        </>
      ) : (
        <button type="button" className="primary" onClick={() => void newCode()} disabled={working}>
          {working ? t('working') : problem ? t('again') : t('show')}
        </button>
      )}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </div>
  )
}
