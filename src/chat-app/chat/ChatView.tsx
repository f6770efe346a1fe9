'use client'

import { lazy, Suspense, useEffect, useRef, useState } from 'react'

import { useT, type Strings } from '../i18n'
import type { Conversation, Model } from '../types'
import { Composer } from './Composer'
import { MessageItem } from './MessageItem'
import { ModelPicker } from './ModelPicker'
import { SystemRole } from './SystemRole'
import { useChat } from './useChat'

const TemplatePicker = lazy(() => import('../templates/TemplatePicker').then((m) => ({ default: m.TemplatePicker })))

const strings: Strings<'systemRole' | 'templates' | 'export' | 'markdown' | 'json' | 'welcome' | 'welcomeHint' | 'loading' | 'topUp'> = {
  'zh-CN': {
    systemRole: '系统角色',
    templates: '模板',
    export: '导出',
    markdown: 'Markdown',
    json: 'JSON',
    welcome: '有什么可以帮你？',
    welcomeHint: '选择模型，输入问题，或添加文件让模型阅读。',
    loading: '加载中…',
    topUp: '去充值',
  },
  en: {
    systemRole: 'System role',
    templates: 'Templates',
    export: 'Export',
    markdown: 'Markdown',
    json: 'JSON',
    welcome: 'How can I help?',
    welcomeHint: 'Pick a model, ask a question, or attach a file for the model to read.',
    loading: 'Loading…',
    topUp: 'Top up',
  },
}

const MODEL_KEY = 'modelgate.model'

type Props = {
  conversationId: string | null
  models: Model[]
  currency: string
  onChange: (conversation: Conversation) => void
  onTopUp: () => void
}

export function ChatView({ conversationId, models, currency, onChange, onTopUp }: Props) {
  const t = useT(strings)
  const chat = useChat(conversationId, onChange)
  const [model, setModel] = useState('')
  const [draft, setDraft] = useState('')
  const [panel, setPanel] = useState<'system' | 'templates' | null>(null)
  const list = useRef<HTMLDivElement>(null)

  // The conversation's model, else the last one chosen, else the catalog's default.
  useEffect(() => {
    const usable = (name: string | null | undefined) => (name && models.some((m) => m.name === name) ? name : null)
    const chosen = usable(chat.conversation?.model) ?? usable(localStorage.getItem(MODEL_KEY)) ?? models.find((m) => m.default)?.name ?? models[0]?.name ?? ''
    setModel(chosen)
  }, [models, chat.conversation?.id, chat.conversation?.model])

  // Follow the answer while it grows, unless the reader scrolled up.
  useEffect(() => {
    const el = list.current
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight
  }, [chat.messages])

  const chooseModel = (name: string) => {
    localStorage.setItem(MODEL_KEY, name)
    setModel(name)
  }
  const lastAssistant = [...chat.messages].reverse().find((m) => m.role === 'assistant')
  const exportUrl = (format: string) => `/api/chat/conversations/${encodeURIComponent(chat.conversation!.id)}/export?format=${format}`

  return (
    <section className="chat-view">
      <div className="chat-toolbar">
        <ModelPicker models={models} value={model} currency={currency} onChange={chooseModel} />
        <button type="button" className={chat.systemRole ? 'active' : ''} onClick={() => setPanel(panel === 'system' ? null : 'system')}>
          {t('systemRole')}
        </button>
        <button type="button" onClick={() => setPanel(panel === 'templates' ? null : 'templates')}>
          {t('templates')}
        </button>
        {chat.conversation && (
          <span className="export">
            {t('export')}:{' '}
            <a href={exportUrl('md')} download>
              {t('markdown')}
            </a>{' '}
            <a href={exportUrl('json')} download>
              {t('json')}
            </a>
          </span>
        )}
      </div>
      {panel === 'system' && <SystemRole value={chat.systemRole} onSave={chat.saveSystemRole} onClose={() => setPanel(null)} />}
      {panel === 'templates' && (
        <Suspense fallback={<p className="muted">{t('loading')}</p>}>
          <TemplatePicker
            onClose={() => setPanel(null)}
            onUse={({ systemPrompt, userPrompt }) => {
              setPanel(null)
              if (systemPrompt) void chat.saveSystemRole(systemPrompt)
              setDraft(userPrompt)
            }}
          />
        </Suspense>
      )}
      <div className="messages" ref={list} aria-live="polite">
        {chat.loading && <p className="muted">{t('loading')}</p>}
        {!chat.loading && !chat.messages.length && (
          <div className="welcome">
            <h2>{t('welcome')}</h2>
            <p className="muted">{t('welcomeHint')}</p>
          </div>
        )}
        {chat.messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            currency={currency}
            busy={chat.busy}
            last={message === lastAssistant}
            onEdit={(id, content) => void chat.edit(id, content)}
            onRegenerate={(id) => void chat.regenerate(id)}
          />
        ))}
      </div>
      {chat.error && (
        <div className="banner error" role="alert">
          {chat.error.message}
          {chat.error.status === 402 && (
            <button type="button" className="link" onClick={onTopUp}>
              {t('topUp')}
            </button>
          )}
          <button type="button" className="icon" aria-label="×" onClick={() => chat.setError(null)}>
            ×
          </button>
        </div>
      )}
      <Composer busy={chat.busy} disabled={!model} draft={draft} setDraft={setDraft} onSend={(content, attachments) => chat.send(model, content, attachments)} onStop={chat.stop} />
    </section>
  )
}
