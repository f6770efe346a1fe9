'use client'

import { money } from '../api'
import { useT, type Strings } from '../i18n'
import type { Model } from '../types'

const strings: Strings<'label' | 'covered' | 'free' | 'perMillion' | 'perRequest' | 'perThousandChars' | 'vision' | 'context' | 'none'> = {
  'zh-CN': {
    label: '模型',
    covered: '套餐内',
    free: '免费',
    perMillion: '输入 {input} / 输出 {output} {currency} 每百万 token',
    perRequest: '{price} {currency} 每次',
    perThousandChars: '{price} {currency} 每千字符',
    vision: '可看图',
    context: '上下文 {tokens}',
    none: '没有可用的模型',
  },
  en: {
    label: 'Model',
    covered: 'in your plan',
    free: 'free',
    perMillion: 'in {input} / out {output} {currency} per 1M tokens',
    perRequest: '{price} {currency} per request',
    perThousandChars: '{price} {currency} per 1,000 characters',
    vision: 'sees images',
    context: 'context {tokens}',
    none: 'No models available',
  },
}

type T = ReturnType<typeof useT<keyof (typeof strings)['en']>>

/** How the customer pays for a model: their plan, nothing, or its prices. */
export function coverage(model: Model, currency: string, t: T): string {
  if (model.covered) return t('covered')
  if (model.free) return t('free')
  const { prices } = model
  if (prices.request) return t('perRequest', { price: money(prices.request), currency })
  if (prices.perThousandCharacters) return t('perThousandChars', { price: money(prices.perThousandCharacters), currency })
  return t('perMillion', { input: money(prices.input), output: money(prices.output), currency })
}

export function ModelPicker({ models, value, currency, onChange }: { models: Model[]; value: string; currency: string; onChange: (name: string) => void }) {
  const t = useT(strings)
  const selected = models.find((m) => m.name === value)
  return (
    <div className="model-picker">
      <select aria-label={t('label')} value={value} onChange={(e) => onChange(e.target.value)} disabled={!models.length}>
        {!models.length && <option value="">{t('none')}</option>}
        {models.map((m) => (
          <option key={m.name} value={m.name}>
            {m.name} · {coverage(m, currency, t)}
          </option>
        ))}
      </select>
      {selected && (
        <span className="model-detail">
          {[
            coverage(selected, currency, t),
            selected.vision ? t('vision') : '',
            selected.contextWindow ? t('context', { tokens: selected.contextWindow.toLocaleString() }) : '',
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
      )}
    </div>
  )
}
