'use client'

import { useId, useState, type FormEvent } from 'react'

import { api } from '../api'
import { useLocale, useT } from '../i18n'
import { useApiData } from '../use-api-data'
import { CopyButton } from './CopyButton'
import { strings } from './strings'

type ApiKey = { id: string; name: string; prefix: string; status: 'active' | 'disabled'; lastUsedAt?: string | null }

type Created = { id: string; name: string; prefix: string; key: string }

const KEYS = '/api/api-keys?sort=-createdAt&limit=100&depth=0'

/** The customer's keys: create (the secret is shown once), disable or enable, delete. */
export function ApiKeys() {
  const t = useT(strings)
  const { locale } = useLocale()
  const heading = useId()
  const nameId = useId()
  const keys = useApiData<{ docs: ApiKey[] }>(KEYS)
  const [name, setName] = useState('')
  const [created, setCreated] = useState<Created | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)

  /** Runs one change and reloads the list; the server's refusal is shown as it words it. */
  async function change(work: () => Promise<unknown>) {
    setBusy(true)
    setFailure(null)
    try {
      await work()
      keys.reload()
    } catch (error) {
      setFailure((error as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const create = (event: FormEvent) => {
    event.preventDefault()
    void change(async () => {
      const { doc } = await api<{ doc: Created }>('/api/api-keys', { method: 'POST', json: { name: name.trim() } })
      setCreated(doc)
      setName('')
    })
  }
  const setStatus = (key: ApiKey, status: ApiKey['status']) => change(() => api(`/api/api-keys/${key.id}`, { method: 'PATCH', json: { status } }))
  const remove = (key: ApiKey) =>
    change(async () => {
      await api(`/api/api-keys/${key.id}`, { method: 'DELETE' })
      setDeleting(null)
    })

  return (
    <section className="developer-section" aria-labelledby={heading}>
      <h2 id={heading}>{t('keys')}</h2>
      <form className="developer-row" onSubmit={create}>
        <label htmlFor={nameId} className="developer-label">
          {t('keyName')}
        </label>
        <input id={nameId} value={name} onChange={(event) => setName(event.target.value)} maxLength={100} required autoComplete="off" />
        <button type="submit" disabled={busy || !name.trim()}>
          {t('createKey')}
        </button>
      </form>
      {failure && (
        <p role="alert" className="developer-error">
          {failure}
        </p>
      )}
      {created && (
        <div className="developer-created" role="region" aria-label={t('createdTitle', { name: created.name })}>
          <strong>{t('createdTitle', { name: created.name })}</strong>
          <p className="developer-warning">{t('createdWarning')}</p>
          <div className="developer-row">
            <code className="developer-code" data-testid="created-key">
              {created.key}
            </code>
            <CopyButton text={created.key} label={t('key')} />
          </div>
          <button type="button" className="developer-secondary" onClick={() => setCreated(null)}>
            {t('done')}
          </button>
        </div>
      )}
      {keys.error && (
        <p role="alert" className="developer-error">
          {t('loadFailed', { message: keys.error })}
        </p>
      )}
      {!keys.data && !keys.error && <p className="developer-muted">{t('loading')}</p>}
      {keys.data?.docs.length === 0 && <p className="developer-muted">{t('noKeys')}</p>}
      {!!keys.data?.docs.length && (
        <ul className="developer-keys">
          {keys.data.docs.map((key) => (
            <li key={key.id} className="developer-key">
              <div className="developer-key-head">
                <strong>{key.name}</strong>
                <span className={`developer-badge developer-badge-${key.status}`}>{t(`status_${key.status}`)}</span>
              </div>
              <dl className="developer-facts">
                <div>
                  <dt>{t('key')}</dt>
                  <dd>
                    <code>{key.prefix}</code>
                  </dd>
                </div>
                <div>
                  <dt>{t('lastUsed')}</dt>
                  <dd>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' }) : t('never')}</dd>
                </div>
              </dl>
              <div className="developer-row">
                {deleting === key.id ? (
                  <>
                    <button type="button" className="developer-danger" disabled={busy} onClick={() => remove(key)}>
                      {t('confirmDelete', { name: key.name })}
                    </button>
                    <button type="button" className="developer-secondary" onClick={() => setDeleting(null)}>
                      {t('cancel')}
                    </button>
                  </>
                ) : (
                  <>
                    <button
                      type="button"
                      className="developer-secondary"
                      disabled={busy}
                      aria-label={`${t(key.status === 'active' ? 'disable' : 'enable')}: ${key.name}`}
                      onClick={() => setStatus(key, key.status === 'active' ? 'disabled' : 'active')}
                    >
                      {t(key.status === 'active' ? 'disable' : 'enable')}
                    </button>
                    <button type="button" className="developer-secondary" disabled={busy} aria-label={`${t('delete')}: ${key.name}`} onClick={() => setDeleting(key.id)}>
                      {t('delete')}
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
