'use client'

import { useCallback, useEffect, useState } from 'react'

export type ThemeChoice = 'system' | 'light' | 'dark'

const STORAGE_KEY = 'modelgate.theme'
const DARK = '(prefers-color-scheme: dark)'

/**
 * Run before the page paints (layout.tsx inlines it), so a dark page never flashes light: the
 * same resolution as applyTheme below.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('${STORAGE_KEY}');if(t!=='light'&&t!=='dark')t=matchMedia('${DARK}').matches?'dark':'light';document.documentElement.dataset.theme=t}catch(e){}`

function applyTheme(choice: ThemeChoice) {
  const dark = choice === 'dark' || (choice === 'system' && window.matchMedia(DARK).matches)
  document.documentElement.dataset.theme = dark ? 'dark' : 'light'
}

/** The person's choice, or the system's setting followed as it changes. */
export function useTheme() {
  const [choice, setChoice] = useState<ThemeChoice>('system')
  useEffect(() => {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'light' || saved === 'dark') setChoice(saved)
  }, [])
  useEffect(() => {
    applyTheme(choice)
    if (choice !== 'system') return
    const media = window.matchMedia(DARK)
    const follow = () => applyTheme('system')
    media.addEventListener('change', follow)
    return () => media.removeEventListener('change', follow)
  }, [choice])
  const choose = useCallback((next: ThemeChoice) => {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY)
    else localStorage.setItem(STORAGE_KEY, next)
    setChoice(next)
  }, [])
  return [choice, choose] as const
}
