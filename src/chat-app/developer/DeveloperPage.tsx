'use client'

import { useEffect, useId, useState, type JSX } from 'react'

import { useT } from '../i18n'
import type { Model } from '../types'
import { useApiData } from '../use-api-data'
import { ApiKeys } from './ApiKeys'
import { CopyButton } from './CopyButton'
import { curlExample, relayBaseUrl } from './model'
import { strings } from './strings'
import '../panel-controls.css'
import './developer.css'

/** What a developer needs to call the relay: the base URL, keys, and a request that works as pasted. */
export function DeveloperPage(): JSX.Element {
  const t = useT(strings)
  const baseHeading = useId()
  const exampleHeading = useId()
  // `location` exists only in the browser; the first render (on the server, too) has no origin yet.
  const [origin, setOrigin] = useState('')
  useEffect(() => setOrigin(window.location.origin), [])
  const models = useApiData<{ models: Model[] }>('/api/chat/models')
  // The seeded offline model stands in when the list cannot be read.
  const model = (models.data?.models.find((candidate) => candidate.default) ?? models.data?.models[0])?.name ?? 'modelgate-demo'
  const baseUrl = relayBaseUrl(origin)
  const example = models.loading ? null : curlExample(baseUrl, model, '$MODELGATE_API_KEY')

  return (
    <div className="developer panel">
      <h1 className="developer-title">{t('title')}</h1>
      <section className="developer-section" aria-labelledby={baseHeading}>
        <h2 id={baseHeading}>{t('baseUrl')}</h2>
        <div className="developer-row">
          <code className="developer-code" data-testid="base-url">
            {baseUrl}
          </code>
          <CopyButton text={baseUrl} label={t('baseUrl')} />
        </div>
        <p className="developer-muted">{t('baseUrlHint')}</p>
      </section>
      <ApiKeys />
      <section className="developer-section" aria-labelledby={exampleHeading}>
        <h2 id={exampleHeading}>{t('example')}</h2>
        <p className="developer-muted">{t('exampleHint')}</p>
        {example && (
          <>
            <pre className="developer-pre">
              <code>{example}</code>
            </pre>
            <CopyButton text={example} label={t('example')} />
          </>
        )}
      </section>
    </div>
  )
}
