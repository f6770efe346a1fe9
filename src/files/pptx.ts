import { unpackZip, type Budget } from './archive'
import { decodeEntities } from './entities'
import { unreadable } from './errors'

const FORMAT = 'a PowerPoint presentation'
const SLIDE = /^ppt\/slides\/slide(\d+)\.xml$/
const PRESENTATION = 'ppt/presentation.xml'
const RELATIONS = 'ppt/_rels/presentation.xml.rels'

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]

/** Slide paths in the order the presentation lists them; by file number when that list is missing. */
function slideOrder(files: Map<string, string>): string[] {
  const relations = new Map<string, string>()
  for (const tag of files.get(RELATIONS)?.match(/<Relationship\b[^>]*>/g) ?? []) {
    const id = attribute(tag, 'Id')
    const target = attribute(tag, 'Target')
    if (id && target) relations.set(id, `ppt/${target.replace(/^\/?(ppt\/)?/, '')}`)
  }
  const listed = (files.get(PRESENTATION)?.match(/<p:sldId\b[^>]*>/g) ?? []).map((tag) => relations.get(attribute(tag, 'r:id') ?? '') ?? '').filter((path) => files.has(path))
  if (listed.length) return listed
  const number = (path: string) => Number(SLIDE.exec(path)![1])
  return [...files.keys()].filter((path) => SLIDE.test(path)).sort((a, b) => number(a) - number(b))
}

/** A slide's text, a line per paragraph (text boxes, tables and all). */
function slideText(xml: string): string {
  return xml
    .split(/<\/a:p>/)
    .map((paragraph) =>
      [...paragraph.matchAll(/<a:t(?:\s[^>]*)?>([\s\S]*?)<\/a:t>|<a:br\b[^>]*\/>/g)].map(([whole, text]) => (whole.startsWith('<a:br') ? '\n' : decodeEntities(text ?? ''))).join(''),
    )
    .filter((line) => line.trim())
    .join('\n')
}

export async function readPptx(data: Uint8Array, name: string, budget: Budget): Promise<string> {
  const entries = await unpackZip(data, budget, name, FORMAT, (path) => path === PRESENTATION || path === RELATIONS || SLIDE.test(path))
  const files = new Map(entries.map((entry) => [entry.path, entry.data.toString('utf8')]))
  if (!files.has(PRESENTATION)) throw unreadable(name, FORMAT, 'it has no ppt/presentation.xml')
  return slideOrder(files)
    .map((path, index) => `Slide ${index + 1}:\n${slideText(files.get(path)!)}`)
    .join('\n\n')
}
