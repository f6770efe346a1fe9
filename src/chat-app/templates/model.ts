/** Prompt templates as the picker needs them: variables, filling, grouping and plain descriptions. */

export type TemplateVariable = { name: string; label?: string | null }

export type PromptTemplate = {
  id: string
  title: string
  category?: string | null
  icon?: string | null
  order?: number | null
  description?: unknown
  systemPrompt?: string | null
  userPrompt?: string | null
  variables?: TemplateVariable[] | null
}

const VARIABLE = /\{\{\s*([\p{L}\p{N}_.-]+)\s*\}\}/gu

/** The `{{name}}`s of a prompt, each once, in the order they first appear. */
export function extractVariables(prompt: string): string[] {
  return [...new Set(Array.from(prompt.matchAll(VARIABLE), (match) => match[1]!))]
}

/** Every `{{name}}` with a value replaced by it; names without one stay as written. */
export function fillTemplate(prompt: string, values: Record<string, string>): string {
  return prompt.replace(VARIABLE, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole))
}

/** What the form asks for: one field per variable of the user prompt, labelled as the template says. */
export function fieldsOf(template: PromptTemplate): { name: string; label: string }[] {
  const labels = new Map((template.variables ?? []).map((variable) => [variable.name, variable.label]))
  return extractVariables(template.userPrompt ?? '').map((name) => ({ name, label: labels.get(name) || name }))
}

/** Both prompts with the form's values in. */
export function applyTemplate(template: PromptTemplate, values: Record<string, string>): { systemPrompt: string; userPrompt: string } {
  return { systemPrompt: fillTemplate(template.systemPrompt ?? '', values), userPrompt: fillTemplate(template.userPrompt ?? '', values) }
}

/**
 * Templates by category, in `order` (ties by title); a category comes where its first template
 * does, and templates without one gather under `uncategorized`.
 */
export function groupTemplates(templates: PromptTemplate[], uncategorized: string): { category: string; templates: PromptTemplate[] }[] {
  const sorted = [...templates].sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.title.localeCompare(b.title))
  const groups = new Map<string, PromptTemplate[]>()
  for (const template of sorted) {
    const category = template.category?.trim() || uncategorized
    groups.set(category, [...(groups.get(category) ?? []), template])
  }
  return Array.from(groups, ([category, members]) => ({ category, templates: members }))
}

type RichTextNode = { type?: string; text?: string; children?: RichTextNode[] }

const BLOCKS = new Set(['paragraph', 'heading', 'listitem', 'quote', 'list'])

/** The words of a Lexical rich-text value, a line per block; a plain string passes through. */
export function richTextToPlain(value: unknown): string {
  if (typeof value === 'string') return value
  const walk = (node: RichTextNode): string => {
    if (node.type === 'linebreak') return '\n'
    if (typeof node.text === 'string') return node.text
    const inner = (node.children ?? []).map(walk).join('')
    return node.type && BLOCKS.has(node.type) ? `\n${inner}\n` : inner
  }
  const root = (value as { root?: RichTextNode } | null)?.root
  return root ? walk(root).split('\n').map((line) => line.trim()).filter(Boolean).join('\n') : ''
}
