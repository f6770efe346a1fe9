import JSZip from 'jszip'

import { decodeText } from './text'

export type FileType = 'pdf' | 'docx' | 'pptx' | 'xlsx' | 'zip' | 'csv' | 'html' | 'markdown' | 'text' | 'image' | 'audio'

const ascii = (data: Uint8Array, at: number, text: string) => Buffer.from(data.subarray(at, at + text.length)).toString('latin1') === text
const bytes = (data: Uint8Array, at: number, ...values: number[]) => values.every((v, i) => data[at + i] === v)

/** ISO media (mp4, m4a, avif, …): `ftyp` at offset 4, the brand after it. */
const isoBrand = (data: Uint8Array) => (ascii(data, 4, 'ftyp') ? Buffer.from(data.subarray(8, 12)).toString('latin1') : undefined)

/** What the first bytes say; text formats have no signature and are left to the extension. */
function bySignature(data: Uint8Array): FileType | 'zip-container' | undefined {
  // PDF readers accept up to 1 KB of junk before the header, and so do we.
  if (Buffer.from(data.subarray(0, 1024)).includes('%PDF-')) return 'pdf'
  if (ascii(data, 0, 'PK\x03\x04') || ascii(data, 0, 'PK\x05\x06')) return 'zip-container'
  if (bytes(data, 0, 0x89, 0x50, 0x4e, 0x47) || bytes(data, 0, 0xff, 0xd8, 0xff) || ascii(data, 0, 'GIF8')) return 'image'
  if (ascii(data, 0, 'RIFF') && ascii(data, 8, 'WEBP')) return 'image'
  if (ascii(data, 0, 'II*\0') || ascii(data, 0, 'MM\0*')) return 'image'
  const brand = isoBrand(data)
  if (brand === 'avif' || brand === 'avis') return 'image'
  if (brand) return 'audio' // m4a, mp4, mov: speech-to-text reads their sound track
  if (ascii(data, 0, 'RIFF') && ascii(data, 8, 'WAVE')) return 'audio'
  if (ascii(data, 0, 'ID3') || ascii(data, 0, 'OggS') || ascii(data, 0, 'fLaC') || bytes(data, 0, 0x1a, 0x45, 0xdf, 0xa3)) return 'audio'
  // An MPEG audio frame (mp3) or an ADTS AAC frame starts with 11 set bits; FF FE is UTF-16's byte order mark.
  if (data[0] === 0xff && data[1] !== undefined && data[1] !== 0xfe && (data[1] & 0xe0) === 0xe0) return 'audio'
  return undefined
}

const extensionOf = (name: string) => /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''

const OFFICE_PARTS: [string, FileType][] = [
  ['word/document.xml', 'docx'],
  ['ppt/presentation.xml', 'pptx'],
  ['xl/workbook.xml', 'xlsx'],
]

/** A zip's own entry names tell an Office document from an archive; a damaged one goes by its extension. */
async function zipFamily(data: Uint8Array, extension: string): Promise<FileType> {
  const byExtension = ({ docx: 'docx', pptx: 'pptx', xlsx: 'xlsx' } as Record<string, FileType>)[extension] ?? 'zip'
  try {
    const zip = await JSZip.loadAsync(data)
    return OFFICE_PARTS.find(([part]) => zip.file(part))?.[1] ?? 'zip'
  } catch {
    return byExtension
  }
}

function textFamily(extension: string, text: string): FileType {
  if (extension === 'csv' || extension === 'tsv') return 'csv'
  if (['html', 'htm', 'xhtml'].includes(extension) || /^\s*<(!doctype html|html)[\s>]/i.test(text)) return 'html'
  if (extension === 'md' || extension === 'markdown') return 'markdown'
  return 'text'
}

/** The file's type by its content first and its name second; undefined for binary files we do not read. */
export async function detectType(data: Uint8Array, name: string): Promise<FileType | undefined> {
  const extension = extensionOf(name)
  const signed = bySignature(data)
  if (signed === 'zip-container') return zipFamily(data, extension)
  if (signed) return signed
  const text = decodeText(data)
  return text === undefined ? undefined : textFamily(extension, text)
}
