'use client'

import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react'

import { Icon } from '../Icon'
import { useT, type Strings } from '../i18n'
import type { Attachment } from '../types'
import { uploadFile } from './attachments'

const strings: Strings<
  'placeholder' | 'send' | 'stop' | 'attach' | 'uploading' | 'remove' | 'extracted' | 'image' | 'tooLarge' | 'refused'
> = {
  'zh-CN': {
    placeholder: '输入消息，Enter 发送，Shift+Enter 换行',
    send: '发送',
    stop: '停止',
    attach: '添加文件',
    uploading: '正在读取 {name}…',
    remove: '移除 {name}',
    extracted: '已提取 {chars} 个字符，约 {tokens} token',
    image: '图片',
    tooLarge: '文件太大：最多 20 MB。',
    refused: '{name} 未能添加：{reason}',
  },
  en: {
    placeholder: 'Message (Enter to send, Shift+Enter for a new line)',
    send: 'Send',
    stop: 'Stop',
    attach: 'Attach a file',
    uploading: 'Reading {name}…',
    remove: 'Remove {name}',
    extracted: '{chars} characters extracted, about {tokens} tokens',
    image: 'image',
    tooLarge: 'This file is too large: at most 20 MB.',
    refused: '{name} was not added: {reason}',
  },
}

type Props = {
  busy: boolean
  disabled: boolean
  draft: string
  setDraft: (text: string) => void
  onSend: (content: string, attachments: Attachment[]) => Promise<boolean>
  onStop: () => void
}

/** The message box: text, files read by the server, send and stop. */
export function Composer({ busy, disabled, draft, setDraft, onSend, onStop }: Props) {
  const t = useT(strings)
  const [attachments, setAttachments] = useState<Attachment[]>([])
  const [uploading, setUploading] = useState<string | null>(null)
  const [refusal, setRefusal] = useState<string | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  async function attach(files: FileList | null) {
    for (const file of Array.from(files ?? [])) {
      setUploading(file.name)
      setRefusal(null)
      try {
        const attachment = await uploadFile(file, t('tooLarge'))
        setAttachments((list) => [...list, attachment])
      } catch (error) {
        setRefusal(t('refused', { name: file.name, reason: error instanceof Error ? error.message : String(error) }))
      }
    }
    setUploading(null)
    if (fileInput.current) fileInput.current.value = ''
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault()
    const content = draft.trim()
    if (busy || disabled || uploading || (!content && !attachments.length)) return
    const sent = attachments
    setDraft('')
    setAttachments([])
    if (!(await onSend(content, sent))) {
      setDraft(content)
      setAttachments(sent)
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void submit()
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      {(attachments.length > 0 || uploading || refusal) && (
        <div className="attachments">
          {attachments.map((a, i) => (
            <span className="chip" key={`${a.name}-${i}`} data-testid="attachment">
              <strong>{a.name}</strong>{' '}
              <small>{a.kind === 'image' && !a.text ? t('image') : t('extracted', { chars: (a.text ?? '').length.toLocaleString(), tokens: (a.tokens ?? 0).toLocaleString() })}</small>
              <button type="button" className="icon" aria-label={t('remove', { name: a.name })} onClick={() => setAttachments((list) => list.filter((_, j) => j !== i))}>
                ×
              </button>
            </span>
          ))}
          {uploading && <span className="chip muted">{t('uploading', { name: uploading })}</span>}
          {refusal && (
            <p className="refusal" role="alert">
              {refusal}
            </p>
          )}
        </div>
      )}
      <div className="composer-row">
        <button type="button" className="icon attach" title={t('attach')} aria-label={t('attach')} onClick={() => fileInput.current?.click()} disabled={disabled || !!uploading}>
          <Icon name="attach" />
        </button>
        <input ref={fileInput} type="file" hidden multiple name="file" onChange={(e) => void attach(e.target.files)} />
        <textarea
          name="message"
          rows={1}
          value={draft}
          placeholder={t('placeholder')}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
        />
        {busy ? (
          <button type="button" className="stop" onClick={onStop}>
            {t('stop')}
          </button>
        ) : (
          <button type="submit" className="primary send" disabled={disabled || !!uploading || (!draft.trim() && !attachments.length)}>
            {t('send')}
          </button>
        )}
      </div>
    </form>
  )
}
