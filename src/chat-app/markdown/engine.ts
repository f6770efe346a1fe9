import { sanitize } from './sanitize'
import { createRenderer, type RenderOptions, type Rendered } from './to-html'

/** Loaded on demand by Markdown.tsx: marked, highlight.js and DOMPurify stay out of the first page. */
export function createEngine(options: RenderOptions): (markdown: string) => Rendered {
  const render = createRenderer(options)
  return (markdown) => {
    const { html, hasMath } = render(markdown)
    return { html: sanitize(html), hasMath }
  }
}
