import type { Strings } from '../i18n'

export const strings: Strings<'title' | 'close' | 'search' | 'loading' | 'failed' | 'empty' | 'noMatch' | 'other' | 'back' | 'use' | 'noVariables' | 'preview'> = {
  'zh-CN': {
    title: '提示词模板',
    close: '关闭',
    search: '搜索模板',
    loading: '加载中…',
    failed: '无法加载模板：{message}',
    empty: '还没有模板。',
    noMatch: '没有匹配的模板。',
    other: '其他',
    back: '返回',
    use: '使用',
    noVariables: '此模板无需填写内容。',
    preview: '预览',
  },
  en: {
    title: 'Prompt templates',
    close: 'Close',
    search: 'Search templates',
    loading: 'Loading…',
    failed: 'The templates could not be loaded: {message}',
    empty: 'No templates yet.',
    noMatch: 'No template matches.',
    other: 'Other',
    back: 'Back',
    use: 'Use',
    noVariables: 'This template needs nothing filled in.',
    preview: 'Preview',
  },
}
