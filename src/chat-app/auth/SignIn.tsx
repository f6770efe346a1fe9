'use client'

import { useEffect, useState } from 'react'

import { useT, type Strings } from '../i18n'
import { Preferences } from '../preferences/Preferences'
import type { ChatConfig } from '../types'
import { EmailSignIn } from './EmailSignIn'
import { PhoneSignIn } from './PhoneSignIn'
import { WechatSignIn } from './WechatSignIn'

const strings: Strings<'title' | 'email' | 'phone' | 'wechat' | 'verified' | 'notVerified' | 'none'> = {
  'zh-CN': {
    title: '登录 Modelgate',
    email: '邮箱',
    phone: '手机',
    wechat: '微信',
    verified: '邮箱已验证，请登录。',
    notVerified: '这个验证链接无效或已用过。',
    none: '目前未开放登录。',
  },
  en: {
    title: 'Sign in to Modelgate',
    email: 'Email',
    phone: 'Phone',
    wechat: 'WeChat',
    verified: 'Your email is verified. Sign in.',
    notVerified: 'That verification link is not valid or was used already.',
    none: 'Sign-in is closed at the moment.',
  },
}

type Method = keyof ChatConfig['methods']
const METHODS: Method[] = ['email', 'phone', 'wechat']

/** The signed-out screen: one tab per sign-in method the operator enabled. */
export function SignIn({ config, onSignedIn }: { config: ChatConfig; onSignedIn: () => void }) {
  const t = useT(strings)
  const enabled = METHODS.filter((m) => config.methods[m])
  const [method, setMethod] = useState<Method | undefined>(enabled[0])
  const [verified, setVerified] = useState<string | null>(null)

  // `?verified=1|0` is where the verification link lands.
  useEffect(() => {
    setVerified(new URLSearchParams(window.location.search).get('verified'))
  }, [])

  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <div className="sign-in-head">
          <h1>{t('title')}</h1>
          <Preferences />
        </div>
        {verified && (
          <p role="status" className={verified === '1' ? 'notice' : 'problem'}>
            {verified === '1' ? t('verified') : t('notVerified')}
          </p>
        )}
        {enabled.length > 1 && (
          <div className="tabs" role="tablist">
            {enabled.map((m) => (
              <button key={m} type="button" role="tab" aria-selected={m === method} className={m === method ? 'active' : ''} onClick={() => setMethod(m)}>
                {t(m)}
              </button>
            ))}
          </div>
        )}
        {!method && <p>{t('none')}</p>}
        {method === 'email' && <EmailSignIn registrationOpen={config.registrationOpen} onSignedIn={onSignedIn} />}
        {method === 'phone' && <PhoneSignIn onSignedIn={onSignedIn} />}
        {method === 'wechat' && <WechatSignIn onSignedIn={onSignedIn} />}
      </div>
    </main>
  )
}
