'use client'

import { useState } from 'react'

import { money } from '../api'
import { useT, type Strings } from '../i18n'
import { Markdown } from '../markdown/Markdown'
import type { Message } from '../types'

const strings: Strings<'you' | 'assistant' | 'edit' | 'saveSend' | 'cancel' | 'copy' | 'copied' | 'regenerate' | 'stopped' | 'failed' | 'usage'> = {
  'zh-CN': {
    you: '你',
    assistant: '助手',
    edit: '编辑',
    saveSend: '保存并重新发送',
    cancel: '取消',
    copy: '复制',
    copied: '已复制',
    regenerate: '重新生成',
    stopped: '已停止',
    failed: '出错：{error}',
    usage: '{prompt} + {completion} token · {charge} {currency}',
  },
  en: {
    you: 'You',
    assistant: 'Assistant',
    edit: 'Edit',
    saveSend: 'Save and send',
    cancel: 'Cancel',
    copy: 'Copy',
    copied: 'Copied',
    regenerate: 'Regenerate',
    stopped: 'Stopped',
    failed: 'Failed: {error}',
    usage: '{prompt} + {completion} tokens · {charge} {currency}',
  },
}

type Props = {
  message: Message
  currency: string
  busy: boolean
  last: boolean
  onEdit: (id: string, content: string) => void
  onRegenerate: (id: string) => void
}

export function MessageItem({ message, currency, busy, last, onEdit, onRegenerate }: Props) {
  const t = useT(strings)
  const [editing, setEditing] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const user = message.role === 'user'
  const saved = !message.id.startsWith('pending')

  function copy() {
    void navigator.clipboard?.writeText(message.content).then(() => {
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    })
  }

  return (
    <article className={`message ${message.role}`} data-role={message.role} data-status={message.status ?? 'done'} data-id={message.id}>
      <header className="message-author">{user ? t('you') : message.model || t('assistant')}</header>
      {user && editing !== null ? (
        <div className="edit-box">
          <textarea value={editing} onChange={(e) => setEditing(e.target.value)} rows={4} aria-label={t('edit')} />
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={!editing.trim() || busy}
              onClick={() => {
                onEdit(message.id, editing.trim())
                setEditing(null)
              }}
            >
              {t('saveSend')}
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      ) : user ? (
        <div className="user-text">{message.content}</div>
      ) : (
        <div className="answer">
          <Markdown text={message.content} />
          {message.status === 'streaming' && <span className="cursor" aria-hidden />}
        </div>
      )}
      {!!message.attachments?.length && (
        <div className="attachments">
          {message.attachments.map((a, i) => (
            <span className="chip" key={i}>
              {a.name}
            </span>
          ))}
        </div>
      )}
      {message.status === 'stopped' && <p className="status muted">{t('stopped')}</p>}
      {message.status === 'failed' && (
        <p className="status error" role="alert">
          {t('failed', { error: message.error ?? '' })}
        </p>
      )}
      {saved && message.status !== 'streaming' && editing === null && (
        <div className="message-actions">
          <button type="button" className="link" onClick={copy}>
            {copied ? t('copied') : t('copy')}
          </button>
          {user && !busy && (
            <button type="button" className="link" onClick={() => setEditing(message.content)}>
              {t('edit')}
            </button>
          )}
          {!user && last && !busy && (
            <button type="button" className="link" onClick={() => onRegenerate(message.id)}>
              {t('regenerate')}
            </button>
          )}
          {!user && message.usage && (
            <small className="muted">
              {t('usage', {
                prompt: message.usage.promptTokens ?? 0,
                completion: message.usage.completionTokens ?? 0,
                charge: money(message.charge ?? 0),
                currency,
              })}
            </small>
          )}
        </div>
      )}
    </article>
  )
}
