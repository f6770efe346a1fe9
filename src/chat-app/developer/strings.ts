import type { Strings } from '../i18n'

export const strings: Strings<
  | 'title'
  | 'baseUrl'
  | 'baseUrlHint'
  | 'copy'
  | 'copied'
  | 'copyFailed'
  | 'keys'
  | 'keyName'
  | 'createKey'
  | 'createdTitle'
  | 'createdWarning'
  | 'done'
  | 'loading'
  | 'loadFailed'
  | 'noKeys'
  | 'key'
  | 'lastUsed'
  | 'never'
  | 'status_active'
  | 'status_disabled'
  | 'disable'
  | 'enable'
  | 'delete'
  | 'confirmDelete'
  | 'cancel'
  | 'example'
  | 'exampleHint'
> = {
  'zh-CN': {
    title: '开发者',
    baseUrl: 'API 地址',
    baseUrlHint: '在任何兼容 OpenAI 的客户端中，把 Base URL 设为此地址，API Key 设为下方创建的密钥。',
    copy: '复制',
    copied: '已复制',
    copyFailed: '无法复制，请手动选择文本。',
    keys: 'API 密钥',
    keyName: '密钥名称',
    createKey: '创建密钥',
    createdTitle: '新密钥「{name}」',
    createdWarning: '请立即复制并妥善保存：关闭后将无法再次查看此密钥。',
    done: '我已保存',
    loading: '加载中…',
    loadFailed: '无法加载密钥：{message}',
    noKeys: '还没有密钥。',
    key: '密钥',
    lastUsed: '最近使用',
    never: '从未',
    status_active: '启用',
    status_disabled: '已停用',
    disable: '停用',
    enable: '启用',
    delete: '删除',
    confirmDelete: '确认删除「{name}」',
    cancel: '取消',
    example: '示例',
    exampleHint: '先设置环境变量 MODELGATE_API_KEY 为你的密钥，再运行：',
  },
  en: {
    title: 'Developer',
    baseUrl: 'API base URL',
    baseUrlHint: 'In any OpenAI-compatible client, set the base URL to this address and the API key to one you create below.',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Copying failed; select the text instead.',
    keys: 'API keys',
    keyName: 'Key name',
    createKey: 'Create key',
    createdTitle: 'New key “{name}”',
    createdWarning: 'Copy it now and keep it safe: once you close this, the key cannot be shown again.',
    done: 'I have saved it',
    loading: 'Loading…',
    loadFailed: 'The keys could not be loaded: {message}',
    noKeys: 'No keys yet.',
    key: 'Key',
    lastUsed: 'Last used',
    never: 'Never',
    status_active: 'Active',
    status_disabled: 'Disabled',
    disable: 'Disable',
    enable: 'Enable',
    delete: 'Delete',
    confirmDelete: 'Confirm: delete “{name}”',
    cancel: 'Cancel',
    example: 'Example',
    exampleHint: 'Set the environment variable MODELGATE_API_KEY to your key, then run:',
  },
}
