'use client'

import { useId, useMemo, useState, type FormEvent, type JSX, type KeyboardEvent } from 'react'

import { useT } from '../i18n'
import { useApiData } from '../use-api-data'
import { applyTemplate, fieldsOf, groupTemplates, richTextToPlain, type PromptTemplate } from './model'
import { strings } from './strings'
import './templates.css'

type Props = { onUse: (prompt: { systemPrompt: string; userPrompt: string }) => void; onClose: () => void }

/** The operator's prompt templates by category; choosing one asks for its variables, then hands the prompts over. */
export function TemplatePicker({ onUse, onClose }: Props): JSX.Element {
  const t = useT(strings)
  const heading = useId()
  const templates = useApiData<{ docs: PromptTemplate[] }>('/api/prompt-templates?sort=order&limit=100&depth=0')
  const [chosen, setChosen] = useState<PromptTemplate | null>(null)
  const [search, setSearch] = useState('')

  const groups = useMemo(() => {
    const needle = search.trim().toLowerCase()
    const matching = (templates.data?.docs ?? []).filter(
      (template) => !needle || [template.title, template.category, richTextToPlain(template.description)].some((text) => text?.toLowerCase().includes(needle)),
    )
    return groupTemplates(matching, t('other'))
  }, [templates.data, search, t])

  const escape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose()
  }

  return (
    <section className="templates" aria-labelledby={heading} onKeyDown={escape}>
      <div className="templates-head">
        <h2 id={heading}>{chosen ? `${chosen.icon ?? ''} ${chosen.title}`.trim() : t('title')}</h2>
        <button type="button" className="templates-close" onClick={onClose}>
          {t('close')}
        </button>
      </div>
      {chosen ? (
        <TemplateForm template={chosen} onBack={() => setChosen(null)} onUse={onUse} />
      ) : (
        <>
          <input type="search" className="templates-search" aria-label={t('search')} placeholder={t('search')} value={search} onChange={(event) => setSearch(event.target.value)} />
          {templates.error && <p role="alert" className="templates-error">{t('failed', { message: templates.error })}</p>}
          {!templates.data && !templates.error && <p className="templates-muted">{t('loading')}</p>}
          {templates.data && groups.length === 0 && <p className="templates-muted">{templates.data.docs.length ? t('noMatch') : t('empty')}</p>}
          {groups.map((group) => (
            <div key={group.category} role="group" aria-label={group.category} className="templates-group">
              <h3>{group.category}</h3>
              <ul>
                {group.templates.map((template) => (
                  <li key={template.id}>
                    <button type="button" className="templates-item" onClick={() => setChosen(template)}>
                      <span className="templates-icon" aria-hidden="true">
                        {template.icon}
                      </span>
                      <span className="templates-text">
                        <strong>{template.title}</strong>
                        <span className="templates-muted">{richTextToPlain(template.description)}</span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </>
      )}
    </section>
  )
}

/** One field per variable of the user prompt; "use" fills them in. */
function TemplateForm({ template, onBack, onUse }: { template: PromptTemplate; onBack: () => void; onUse: Props['onUse'] }) {
  const t = useT(strings)
  const formId = useId()
  const fields = fieldsOf(template)
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((field) => [field.name, ''])))
  const filled = applyTemplate(template, values)
  const description = richTextToPlain(template.description)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    onUse(filled)
  }

  return (
    <form className="templates-form" onSubmit={submit}>
      {description && <p className="templates-muted">{description}</p>}
      {fields.length === 0 && <p className="templates-muted">{t('noVariables')}</p>}
      {fields.map((field, index) => (
        <div key={field.name} className="templates-field">
          <label htmlFor={`${formId}-${index}`}>{field.label}</label>
          <textarea
            id={`${formId}-${index}`}
            rows={2}
            required
            autoFocus={index === 0}
            value={values[field.name]}
            onChange={(event) => setValues((previous) => ({ ...previous, [field.name]: event.target.value }))}
          />
        </div>
      ))}
      <details className="templates-preview">
        <summary>{t('preview')}</summary>
        {filled.systemPrompt && <pre>{filled.systemPrompt}</pre>}
        <pre>{filled.userPrompt}</pre>
      </details>
      <div className="templates-actions">
        <button type="submit" className="templates-primary">
          {t('use')}
        </button>
        <button type="button" onClick={onBack}>
          {t('back')}
        </button>
      </div>
    </form>
  )
}
