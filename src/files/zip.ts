import { unpackZip, type Budget, type ZipEntry } from './archive'

/** One file of an archive and its text, labelled by its path (nested archives' paths included). */
export type Section = { path: string; text: string }

/** Files archivers add that hold nothing for a reader. */
const JUNK = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i

/** The archive's files in order, each read by `readEntry` (which may open a nested archive in turn). */
export async function zipSections(
  data: Uint8Array,
  name: string,
  budget: Budget,
  readEntry: (entry: ZipEntry) => Promise<Section[]>,
): Promise<Section[]> {
  const entries = await unpackZip(data, budget, name, 'a zip archive', (path) => !JUNK.test(path))
  const sections: Section[] = []
  for (const entry of entries) sections.push(...(await readEntry(entry)))
  return sections
}

export const sectionsText = (sections: Section[]) => sections.map(({ path, text }) => `=== ${path} ===\n${text}`).join('\n\n')
