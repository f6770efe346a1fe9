import { decodeEntities } from './entities'
import { decodeText } from './text'

/** Elements whose content is never read: code, styling, metadata. */
const HIDDEN = /<(script|style|noscript|template|svg|head|iframe|object)\b[\s\S]*?<\/\1\s*>/gi
const BLOCK = /<\/?(p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|table|thead|tbody|tfoot|section|article|header|footer|nav|aside|main|blockquote|pre|figure|figcaption|form|fieldset|address|details|summary|caption)\b[^>]*>/gi

/** The readable text of a page, with blocks on their own lines and table cells apart. */
export function htmlToText(html: string): string {
  const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html)?.[1] ?? ''
  const text = `${title}\n${html}`
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(HIDDEN, '')
    .replace(BLOCK, '\n')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text)
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n[ \t\u00a0]+/g, '\n')
    .replace(/[ \u00a0]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

export function readHtml(data: Uint8Array): string | undefined {
  const html = decodeText(data)
  return html === undefined ? undefined : htmlToText(html)
}
