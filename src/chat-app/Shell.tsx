'use client'

import { lazy, Suspense, useCallback, useEffect, useState } from 'react'

import { api } from './api'
import { ChatView } from './chat/ChatView'
import { Icon } from './Icon'
import { useT, type Strings } from './i18n'
import { Preferences } from './preferences/Preferences'
import { ConversationList } from './sidebar/ConversationList'
import { useConversations } from './sidebar/useConversations'
import type { ChatConfig, Conversation, Model, User } from './types'

// Out of the first page: each view is fetched when it is first opened.
const WalletPanel = lazy(() => import('./wallet/WalletPanel').then((m) => ({ default: m.WalletPanel })))
const DeveloperPage = lazy(() => import('./developer/DeveloperPage').then((m) => ({ default: m.DeveloperPage })))

const strings: Strings<'chat' | 'wallet' | 'developer' | 'signOut' | 'menu' | 'loading' | 'modelsFailed'> = {
  'zh-CN': { chat: '对话', wallet: '钱包', developer: '开发者', signOut: '退出', menu: '对话列表', loading: '加载中…', modelsFailed: '模型列表未能加载：{reason}' },
  en: { chat: 'Chat', wallet: 'Wallet', developer: 'Developer', signOut: 'Sign out', menu: 'Conversations', loading: 'Loading…', modelsFailed: 'The models could not be loaded: {reason}' },
}

type View = 'chat' | 'wallet' | 'developer'
const VIEWS: View[] = ['chat', 'wallet', 'developer']

/** `#wallet` and `#developer` open those views, so they can be linked and survive a reload. */
function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>('chat')
  useEffect(() => {
    const fromHash = window.location.hash.slice(1) as View
    if (VIEWS.includes(fromHash)) setView(fromHash)
  }, [])
  const choose = useCallback((next: View) => {
    history.replaceState(null, '', next === 'chat' ? window.location.pathname + window.location.search : `#${next}`)
    setView(next)
  }, [])
  return [view, choose]
}

/** The models the customer may use; asked again when they come back to chat (a plan may cover more now). */
function useModels(active: boolean) {
  const [models, setModels] = useState<Model[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    if (!active) return
    api<{ models: Model[] }>('/api/chat/models').then(
      (body) => {
        setModels(body.models)
        setProblem(null)
      },
      (error: Error) => setProblem(error.message),
    )
  }, [active])
  return { models, problem }
}

export function Shell({ user, config, onSignOut }: { user: User; config: ChatConfig; onSignOut: () => void }) {
  const t = useT(strings)
  const [view, setView] = useView()
  const [selected, setSelected] = useState<string | null>(null)
  const [drawer, setDrawer] = useState(false)
  const conversations = useConversations()
  const { models, problem } = useModels(view === 'chat')
  const { touch } = conversations

  const onChange = useCallback(
    (conversation: Conversation) => {
      touch(conversation)
      setSelected(conversation.id)
    },
    [touch],
  )
  const select = (id: string | null) => {
    setSelected(id)
    setView('chat')
    setDrawer(false)
  }

  return (
    <div className={`shell view-${view}${drawer ? ' drawer-open' : ''}`}>
      <header className="topbar">
        <button type="button" className="icon menu" aria-label={t('menu')} aria-expanded={drawer} onClick={() => setDrawer(!drawer)}>
          <Icon name="menu" />
        </button>
        <strong className="brand">Modelgate</strong>
        <nav className="views">
          {VIEWS.map((v) => (
            <button key={v} type="button" className={v === view ? 'active' : ''} aria-current={v === view ? 'page' : undefined} onClick={() => setView(v)}>
              {t(v)}
            </button>
          ))}
        </nav>
        <span className="account">
          <Preferences />
          <span className="who" title={user.email ?? user.username ?? ''}>
            {user.name || user.email || user.username || user.phone}
          </span>
          <button type="button" className="link" onClick={onSignOut}>
            {t('signOut')}
          </button>
        </span>
      </header>
      <aside className="sidebar">
        <ConversationList list={conversations} selected={selected} onSelect={select} />
      </aside>
      {drawer && <div className="scrim" onClick={() => setDrawer(false)} />}
      <main className="main">
        {problem && view === 'chat' && (
          <p className="banner error" role="alert">
            {t('modelsFailed', { reason: problem })}
          </p>
        )}
        {view === 'chat' && <ChatView conversationId={selected} models={models} currency={config.currency} onChange={onChange} onTopUp={() => setView('wallet')} />}
        <Suspense fallback={<p className="muted pad">{t('loading')}</p>}>
          {view === 'wallet' && <WalletPanel />}
          {view === 'developer' && <DeveloperPage />}
        </Suspense>
      </main>
    </div>
  )
}
