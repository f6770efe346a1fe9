'use client'

import { useEffect, useMemo, useState, type MouseEvent } from 'react'

import { useT, type Strings } from '../i18n'
import type { KatexLike } from './to-html'

const strings: Strings<'copy' | 'copied'> = {
  'zh-CN': { copy: '复制', copied: '已复制' },
  en: { copy: 'Copy', copied: 'Copied' },
}

type EngineModule = typeof import('./engine')

// Shared by every message: each module is fetched once, on first need.
let engineModule: Promise<EngineModule> | null = null
let katexModule: Promise<KatexLike> | null = null
const loadEngine = () => (engineModule ??= import('./engine'))
const loadKatex = () => (katexModule ??= import('./math').then((m) => m.default as KatexLike))

function useLoaded<T>(load: (() => Promise<T>) | null): T | null {
  const [value, setValue] = useState<T | null>(null)
  useEffect(() => {
    if (!load) return
    let live = true
    load().then((loaded) => live && setValue(() => loaded))
    return () => {
      live = false
    }
  }, [load])
  return value
}

/** Copies the code of the block whose button was clicked. */
function copyCode(event: MouseEvent<HTMLDivElement>, copied: string, copy: string) {
  const button = (event.target as Element).closest('button[data-copy="code"]')
  const code = button?.closest('.code-block')?.querySelector('code')?.textContent
  if (!button || code == null) return
  void navigator.clipboard?.writeText(code).then(() => {
    button.textContent = copied
    setTimeout(() => (button.textContent = copy), 1500)
  })
}

/** An answer as sanitised HTML; plain text until the renderer has loaded, KaTeX only when there is math. */
export function Markdown({ text }: { text: string }) {
  const t = useT(strings)
  const engine = useLoaded(loadEngine)
  const [wantsMath, setWantsMath] = useState(false)
  const katex = useLoaded(wantsMath ? loadKatex : null)
  const render = useMemo(() => engine?.createEngine({ copyLabel: t('copy'), katex }), [engine, katex, t])
  const rendered = useMemo(() => render?.(text), [render, text])
  useEffect(() => {
    if (rendered?.hasMath) setWantsMath(true)
  }, [rendered?.hasMath])

  if (!rendered) return <div className="markdown plain">{text}</div>
  return <div className="markdown" onClick={(event) => copyCode(event, t('copied'), t('copy'))} dangerouslySetInnerHTML={{ __html: rendered.html }} />
}
