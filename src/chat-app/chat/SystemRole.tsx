'use client'

import { useState } from 'react'

import { useT, type Strings } from '../i18n'

const strings: Strings<'title' | 'hint' | 'save' | 'cancel' | 'failed'> = {
  'zh-CN': { title: '系统角色', hint: '告诉模型在本对话中扮演什么角色、遵守什么规则。', save: '保存', cancel: '取消', failed: '未能保存：{reason}' },
  en: { title: 'System role', hint: 'Tell the model who to be and which rules to follow in this conversation.', save: 'Save', cancel: 'Cancel', failed: 'Not saved: {reason}' },
}

/** The conversation's system prompt, edited in place. */
export function SystemRole({ value, onSave, onClose }: { value: string; onSave: (text: string) => Promise<void>; onClose: () => void }) {
  const t = useT(strings)
  const [text, setText] = useState(value)
  const [failure, setFailure] = useState<string | null>(null)
  return (
    <div className="panel system-role">
      <label>
        <strong>{t('title')}</strong>
        <small className="muted">{t('hint')}</small>
        <textarea name="systemRole" rows={4} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      {failure && <p role="alert">{failure}</p>}
      <div className="row">
        <button
          type="button"
          className="primary"
          onClick={() =>
            onSave(text.trim()).then(onClose, (error: unknown) => setFailure(t('failed', { reason: error instanceof Error ? error.message : String(error) })))
          }
        >
          {t('save')}
        </button>
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
      </div>
    </div>
  )
}
