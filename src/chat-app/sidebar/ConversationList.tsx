'use client'

import { useState } from 'react'

import { Icon } from '../Icon'
import { useT, type Strings } from '../i18n'
import type { Conversation } from '../types'
import type { useConversations } from './useConversations'

const strings: Strings<'newChat' | 'search' | 'untitled' | 'rename' | 'delete' | 'confirmDelete' | 'more' | 'empty' | 'save' | 'cancel' | 'failed'> = {
  'zh-CN': {
    newChat: '+ 新对话',
    search: '搜索对话',
    untitled: '新对话',
    rename: '重命名',
    delete: '删除',
    confirmDelete: '删除“{title}”及其全部消息？',
    more: '加载更多',
    empty: '还没有对话',
    save: '保存',
    cancel: '取消',
    failed: '操作失败：{reason}',
  },
  en: {
    newChat: '+ New chat',
    search: 'Search conversations',
    untitled: 'New chat',
    rename: 'Rename',
    delete: 'Delete',
    confirmDelete: 'Delete “{title}” and all its messages?',
    more: 'Load more',
    empty: 'No conversations yet',
    save: 'Save',
    cancel: 'Cancel',
    failed: 'That did not work: {reason}',
  },
}

type Props = {
  list: ReturnType<typeof useConversations>
  selected: string | null
  onSelect: (id: string | null) => void
}

export function ConversationList({ list, selected, onSelect }: Props) {
  const t = useT(strings)
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const titleOf = (c: Conversation) => c.title || t('untitled')
  const attempt = (work: Promise<unknown>) => work.then(() => setFailure(null), (error: unknown) => setFailure(t('failed', { reason: error instanceof Error ? error.message : String(error) })))

  async function remove(c: Conversation) {
    if (!window.confirm(t('confirmDelete', { title: titleOf(c) }))) return
    await attempt(list.remove(c.id))
    if (selected === c.id) onSelect(null)
  }

  return (
    <nav className="conversations" aria-label={t('search')}>
      <button type="button" className="primary new-chat" onClick={() => onSelect(null)}>
        {t('newChat')}
      </button>
      <input type="search" className="search" placeholder={t('search')} aria-label={t('search')} value={list.query} onChange={(e) => list.setQuery(e.target.value)} />
      {failure && <p role="alert">{failure}</p>}
      {list.error && <p role="alert">{list.error}</p>}
      <ul>
        {list.items.map((c) => (
          <li key={c.id} className={c.id === selected ? 'selected' : ''}>
            {renaming?.id === c.id ? (
              <form
                className="rename"
                onSubmit={(e) => {
                  e.preventDefault()
                  void attempt(list.rename(c.id, renaming.title.trim() || titleOf(c))).then(() => setRenaming(null))
                }}
              >
                <input autoFocus aria-label={t('rename')} value={renaming.title} onChange={(e) => setRenaming({ id: c.id, title: e.target.value })} />
                <button type="submit">{t('save')}</button>
                <button type="button" onClick={() => setRenaming(null)}>
                  {t('cancel')}
                </button>
              </form>
            ) : (
              <>
                <button type="button" className="conversation" onClick={() => onSelect(c.id)} title={titleOf(c)}>
                  {titleOf(c)}
                </button>
                <span className="conversation-actions">
                  <button type="button" className="icon" title={t('rename')} aria-label={t('rename')} onClick={() => setRenaming({ id: c.id, title: c.title ?? '' })}>
                    <Icon name="edit" />
                  </button>
                  <button type="button" className="icon" title={t('delete')} aria-label={t('delete')} onClick={() => void remove(c)}>
                    <Icon name="trash" />
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
      {!list.loading && !list.items.length && <p className="muted empty">{t('empty')}</p>}
      {list.hasMore && (
        <button type="button" className="link more" disabled={list.loading} onClick={() => void list.loadMore()}>
          {t('more')}
        </button>
      )}
    </nav>
  )
}
