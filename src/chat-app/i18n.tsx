'use client'

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react'

export type Locale = 'zh-CN' | 'en'

/** Each part of the app keeps its own strings, in both languages. */
export type Strings<K extends string> = Record<Locale, Record<K, string>>

const STORAGE_KEY = 'modelgate.locale'

/** The browser's language decides, until the person chooses. */
export function browserLocale(languages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): Locale {
  return languages.some((language) => language.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en'
}

const LocaleContext = createContext<{ locale: Locale; setLocale: (locale: Locale) => void }>({ locale: 'en', setLocale: () => {} })

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>('en')
  useEffect(() => {
    const saved = localStorage.getItem(STORAGE_KEY)
    setLocaleState(saved === 'en' || saved === 'zh-CN' ? saved : browserLocale())
  }, [])
  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(STORAGE_KEY, next)
    setLocaleState(next)
  }, [])
  return <LocaleContext.Provider value={{ locale, setLocale }}>{children}</LocaleContext.Provider>
}

export const useLocale = () => useContext(LocaleContext)

/**
 * `t('key', {name: 'x'})` in the current language; `{name}` in a string is replaced by its value.
 */
export function useT<K extends string>(strings: Strings<K>) {
  const { locale } = useLocale()
  return useCallback(
    (key: K, values: Record<string, string | number> = {}) => strings[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '')),
    [locale, strings],
  )
}
