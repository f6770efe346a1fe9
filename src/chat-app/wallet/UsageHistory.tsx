'use client'

import { useId, useState } from 'react'

import { money } from '../api'
import { useLocale, useT } from '../i18n'
import { useApiData } from '../use-api-data'
import { strings } from './strings'
import type { Page, UsageLog } from './types'

const FIELDS = ['createdAt', 'model', 'promptTokens', 'completionTokens', 'charge'].map((field) => `select[${field}]=true`).join('&')

/** Requests, newest first, twenty a page: model, tokens in and out, what each cost. */
export function UsageHistory() {
  const t = useT(strings)
  const { locale } = useLocale()
  const heading = useId()
  const [page, setPage] = useState(1)
  const usage = useApiData<Page<UsageLog>>(`/api/usage-logs?sort=-createdAt&limit=20&page=${page}&depth=0&${FIELDS}`)
  const logs = usage.data?.docs ?? []
  const count = (n?: number | null) => (n ?? 0).toLocaleString(locale)

  return (
    <section className="wallet-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('usageTitle')}</h2>
      {usage.error && <p role="alert" className="wallet-error">{usage.error}</p>}
      {usage.data && logs.length === 0 && <p className="wallet-hint">{t('noUsage')}</p>}
      {logs.length > 0 && (
        <div className="wallet-table-scroll">
          <table className="wallet-table">
            <thead>
              <tr>
                <th scope="col">{t('time')}</th>
                <th scope="col">{t('model')}</th>
                <th scope="col" className="wallet-number">
                  {t('tokens')}
                </th>
                <th scope="col" className="wallet-number">
                  {t('charge')}
                </th>
              </tr>
            </thead>
            <tbody>
              {logs.map((log) => (
                <tr key={log.id}>
                  <td>{new Date(log.createdAt).toLocaleString(locale, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' })}</td>
                  <td className="wallet-model">{log.model ?? ''}</td>
                  <td className="wallet-number">{t('tokensInOut', { input: count(log.promptTokens), output: count(log.completionTokens) })}</td>
                  <td className="wallet-number">{money(log.charge ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {usage.data && usage.data.totalPages > 1 && (
        <nav className="wallet-pager" aria-label={t('usagePages')}>
          <button type="button" disabled={!usage.data.hasPrevPage || usage.loading} onClick={() => setPage((p) => p - 1)}>
            {t('previous')}
          </button>
          <span>{t('pageOf', { page: usage.data.page, pages: usage.data.totalPages })}</span>
          <button type="button" disabled={!usage.data.hasNextPage || usage.loading} onClick={() => setPage((p) => p + 1)}>
            {t('next')}
          </button>
        </nav>
      )}
    </section>
  )
}
