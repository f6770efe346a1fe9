import createDOMPurify from 'dompurify'

import { safeUrl } from './to-html'

/**
 * The second line of defence, in the browser: whatever the renderer (or KaTeX) produced passes
 * DOMPurify, with forms, frames and styles-as-elements forbidden and every link re-checked.
 */
const purify = createDOMPurify(window)

purify.addHook('afterSanitizeAttributes', (node) => {
  // nodeName, not tagName: an SVG <a> reports it in lower case.
  if (node.nodeName.toLowerCase() !== 'a') return
  const url = safeUrl(node.getAttribute('href'))
  if (url) node.setAttribute('href', url)
  else node.removeAttribute('href')
  node.setAttribute('target', '_blank')
  node.setAttribute('rel', 'noopener noreferrer nofollow')
})

// KaTeX positions its glyphs with inline styles; anywhere else a style could cover the page.
purify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName === 'style' && !(node as Element).closest?.('.katex, .katex-display')) data.keepAttr = false
})

const FORBID_TAGS = ['style', 'form', 'input', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'img', 'video', 'audio', 'source', 'picture', 'foreignObject']

export function sanitize(html: string): string {
  return purify.sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['srcset', 'action', 'formaction', 'xlink:href'], ADD_ATTR: ['target'] })
}
