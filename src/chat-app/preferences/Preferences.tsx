'use client'

import { useLocale, useT, type Locale, type Strings } from '../i18n'
import { useTheme, type ThemeChoice } from './theme'

const strings: Strings<'theme' | 'system' | 'light' | 'dark' | 'language'> = {
  'zh-CN': { theme: '主题', system: '跟随系统', light: '浅色', dark: '深色', language: '语言' },
  en: { theme: 'Theme', system: 'System', light: 'Light', dark: 'Dark', language: 'Language' },
}

/** Theme and language, on the sign-in screen and in the app's header. */
export function Preferences() {
  const t = useT(strings)
  const { locale, setLocale } = useLocale()
  const [theme, setTheme] = useTheme()
  return (
    <span className="preferences">
      <select aria-label={t('theme')} value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
        {(['system', 'light', 'dark'] as const).map((choice) => (
          <option key={choice} value={choice}>
            {t(choice)}
          </option>
        ))}
      </select>
      <select aria-label={t('language')} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        <option value="zh-CN">中文</option>
        <option value="en">English</option>
      </select>
    </span>
  )
}
