'use client'

import { useState } from 'react'

import { useT } from '../i18n'
import { strings } from './strings'

/**
 * The Clipboard API needs https or localhost; on a plain-http server the old `execCommand('copy')`
 * on a selected text area still works.
 */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text)
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.append(area)
  area.select()
  const copied = document.execCommand('copy')
  area.remove()
  if (!copied) throw new Error('copy refused')
}

/** Copies `text`; says so beside the button for sighted and screen-reader users alike. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT(strings)
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = () =>
    copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    )
  return (
    <span className="developer-copy">
      <button type="button" onClick={copy} aria-label={label && `${t('copy')}: ${label}`}>
        {t('copy')}
      </button>
      <span role="status" className={state === 'failed' ? 'developer-error' : 'developer-muted'}>
        {state === 'copied' ? t('copied') : state === 'failed' ? t('copyFailed') : ''}
      </span>
    </span>
  )
}
