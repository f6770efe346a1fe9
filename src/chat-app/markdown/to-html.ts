import { Marked, type Tokens, type TokenizerAndRendererExtension } from 'marked'

import { highlight } from './highlight'

/**
 * Markdown to HTML for answers, safe before any sanitiser runs: raw HTML is shown as text, links
 * only to http(s) and mailto, images become links (loading them would let an answer send what it
 * knows to any server), code is escaped or highlighted. Math is rendered by KaTeX when it is given,
 * else kept as text until it loads. No DOM needed, so it runs in unit tests too.
 */

export type KatexLike = { renderToString: (tex: string, options: Record<string, unknown>) => string }

export type RenderOptions = { copyLabel: string; katex?: KatexLike | null }

export type Rendered = { html: string; hasMath: boolean }

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!)

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

/** An absolute http(s) or mailto URL, or null; URL parsing drops the tabs and case tricks of `java\tScript:`. */
export function safeUrl(href: string | null | undefined): string | null {
  if (!href) return null
  try {
    const url = new URL(href.trim())
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null
  } catch {
    return null
  }
}

const LINK_ATTRIBUTES = 'target="_blank" rel="noopener noreferrer nofollow"'

type MathToken = { type: 'math'; raw: string; text: string; display: boolean }

function mathExtensions(render: (token: MathToken) => string): TokenizerAndRendererExtension[] {
  return [
    {
      name: 'blockMath',
      level: 'block',
      start: (src) => src.match(/\$\$|\\\[/)?.index,
      tokenizer(src) {
        const m = /^(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\])[ \t]*(?:\n|$)/.exec(src)
        if (m) return { type: 'blockMath', raw: m[0], text: (m[1] ?? m[2]!).trim(), display: true }
      },
      renderer: (token) => `<div class="math-block">${render(token as unknown as MathToken)}</div>`,
    },
    {
      name: 'inlineMath',
      level: 'inline',
      start: (src) => src.match(/\$|\\\(/)?.index,
      tokenizer(src) {
        // `$x$` needs no space inside its edges and no digit after, so "$5 and $10" stays money.
        const m = /^\$\$([^$\n]+?)\$\$/.exec(src) ?? /^\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src) ?? /^\\\(([\s\S]+?)\\\)/.exec(src)
        if (m) return { type: 'inlineMath', raw: m[0], text: m[1]!, display: m[0].startsWith('$$') }
      },
      renderer: (token) => render(token as unknown as MathToken),
    },
  ]
}

function codeBlock({ text, lang }: Tokens.Code, copyLabel: string): string {
  const language = lang?.trim().split(/\s+/)[0] ?? ''
  const body = highlight(text, language) ?? escapeHtml(text)
  return (
    `<div class="code-block"><div class="code-head"><span>${escapeHtml(language)}</span>` +
    `<button type="button" class="copy-code" data-copy="code">${escapeHtml(copyLabel)}</button></div>` +
    `<pre><code class="hljs">${body}</code></pre></div>`
  )
}

export function createRenderer({ copyLabel, katex }: RenderOptions): (markdown: string) => Rendered {
  let hasMath = false
  const renderMath = (token: MathToken) => {
    hasMath = true
    if (!katex) return `<span class="math-pending">${escapeHtml(token.raw)}</span>`
    return katex.renderToString(token.text, { displayMode: token.display, throwOnError: false, trust: false, strict: 'ignore', output: 'htmlAndMathml' })
  }
  const marked = new Marked({
    gfm: true,
    breaks: true,
    async: false,
    extensions: mathExtensions(renderMath),
    renderer: {
      html: (token) => ('block' in token && token.block ? `<p class="raw-html">${escapeHtml(token.text)}</p>` : escapeHtml(token.text)),
      code: (token) => codeBlock(token, copyLabel),
      link({ href, title, tokens }) {
        const inner = this.parser.parseInline(tokens)
        const url = safeUrl(href)
        if (!url) return inner
        return `<a href="${escapeHtml(url)}"${title ? ` title="${escapeHtml(title)}"` : ''} ${LINK_ATTRIBUTES}>${inner}</a>`
      },
      image({ href, text }) {
        const url = safeUrl(href)
        const label = escapeHtml(text || href || '')
        return url ? `<a class="image-link" href="${escapeHtml(url)}" ${LINK_ATTRIBUTES}>🖼 ${label}</a>` : label
      },
    },
  })
  return (markdown) => {
    hasMath = false
    const html = marked.parse(markdown) as string
    return { html, hasMath }
  }
}
