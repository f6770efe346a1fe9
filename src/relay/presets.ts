/**
 * Platform presets: the base URL of each provider's OpenAI-compatible (or native) API, so an
 * operator picks a name instead of looking the address up.
 */
export type PlatformKind = 'openai-compatible' | 'azure-openai' | 'anthropic' | 'gemini' | 'demo'

export type PlatformPreset = { value: string; label: string; kind: PlatformKind; baseUrl: string }

export const PLATFORM_PRESETS: PlatformPreset[] = [
  { value: 'openai', label: 'OpenAI', kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1' },
  { value: 'deepseek', label: 'DeepSeek', kind: 'openai-compatible', baseUrl: 'https://api.deepseek.com/v1' },
  { value: 'qwen', label: 'Qwen (DashScope compatible mode)', kind: 'openai-compatible', baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
  { value: 'zhipu', label: 'Zhipu GLM', kind: 'openai-compatible', baseUrl: 'https://open.bigmodel.cn/api/paas/v4' },
  { value: 'moonshot', label: 'Moonshot (Kimi)', kind: 'openai-compatible', baseUrl: 'https://api.moonshot.cn/v1' },
  { value: 'ernie', label: 'Baidu ERNIE (Qianfan v2)', kind: 'openai-compatible', baseUrl: 'https://qianfan.baidubce.com/v2' },
  { value: 'siliconflow', label: 'SiliconFlow', kind: 'openai-compatible', baseUrl: 'https://api.siliconflow.cn/v1' },
  { value: 'openrouter', label: 'OpenRouter', kind: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1' },
  { value: 'fastgpt', label: 'FastGPT knowledge base', kind: 'openai-compatible', baseUrl: 'https://api.fastgpt.in/api/v1' },
  { value: 'anthropic', label: 'Anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com' },
  { value: 'gemini', label: 'Google Gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai' },
]

export function presetNamed(value: string | null | undefined): PlatformPreset | undefined {
  return PLATFORM_PRESETS.find((preset) => preset.value === value)
}
