import { countTokens } from 'gpt-tokenizer'

import { budgetOf, type Budget, type ZipEntry } from './archive'
import { readCsv } from './csv'
import { detectType, type FileType } from './detect'
import { readDocx } from './docx'
import { FileRejected } from './errors'
import { readHtml } from './html'
import { readImage } from './image'
import { FILE_LIMITS, type FileLimits } from './limits'
import { readPdf } from './pdf'
import { readPptx } from './pptx'
import { readText } from './text'
import { readXlsx } from './xlsx'
import { sectionsText, zipSections, type Section } from './zip'

/** What `POST /api/chat/files` answers: a file's text for the prompt, and the image for vision models. */
export type Attachment = { name: string; kind: 'text' | 'image' | 'audio'; text: string; tokens: number; dataUrl?: string }

export type UploadedFile = { name: string; data: Buffer; mimeType: string }

/** Speech to text; the HTTP layer sends it through the relay, on the customer's account. */
export type Transcribe = (file: UploadedFile) => Promise<string>

export type ExtractOptions = { transcribe?: Transcribe; limits?: FileLimits }

/** Images read by OCR per upload: an archive of scans would keep the single OCR worker busy for minutes. */
const OCR_IMAGES_PER_UPLOAD = 10

type Context = { budget: Budget; depth: number; transcribe?: Transcribe }

const ACCEPTED = 'PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), CSV, HTML, text, Markdown, zip, images and audio'

type Content = { kind: Attachment['kind']; text: string; dataUrl?: string }

async function contentOf(file: UploadedFile, type: FileType, context: Context): Promise<Content> {
  const { data, name } = file
  const text = (value: string | undefined): Content => ({ kind: 'text', text: (value ?? '').trim() })
  switch (type) {
    case 'pdf':
      return text(await readPdf(data, name))
    case 'docx':
      return text(await readDocx(data, name, context.budget))
    case 'pptx':
      return text(await readPptx(data, name, context.budget))
    case 'xlsx':
      return text(await readXlsx(data, name, context.budget))
    case 'zip':
      return text(sectionsText(await zipSections(data, name, context.budget, (entry) => entrySections(entry, { ...context, depth: context.depth + 1 }))))
    case 'csv':
      return text(readCsv(data))
    case 'html':
      return text(readHtml(data))
    case 'markdown':
    case 'text':
      return text(readText(data))
    case 'image': {
      if (--context.budget.ocrImages < 0) return text(`[not read: at most ${OCR_IMAGES_PER_UPLOAD} images are read by OCR per upload]`)
      const { text: recognized, dataUrl } = await readImage(data, name, context.budget.limits, context.depth === 0)
      return { kind: 'image', text: recognized, dataUrl }
    }
    case 'audio':
      if (!context.transcribe) throw new FileRejected(415, `${name}: audio is transcribed only when sent on its own, not inside an archive.`)
      return { kind: 'audio', text: (await context.transcribe(file)).trim() }
  }
}

/** A file inside an archive: its text, the sections of a nested archive, or why it was left out. */
async function entrySections({ path, data }: ZipEntry, context: Context): Promise<Section[]> {
  const type = await detectType(data, path)
  const entry = { name: path, data, mimeType: 'application/octet-stream' }
  if (type === 'zip') {
    if (context.depth >= context.budget.limits.maxZipDepth) return [{ path, text: `[not opened: archives nested more than ${context.budget.limits.maxZipDepth} deep]` }]
    const nested = await zipSections(data, path, context.budget, (inner) => entrySections(inner, { ...context, depth: context.depth + 1 }))
    return nested.map((section) => ({ ...section, path: `${path}/${section.path}` }))
  }
  if (!type) return [{ path, text: '[not read: not a type of file we read]' }]
  try {
    return [{ path, text: (await contentOf(entry, type, { ...context, transcribe: undefined })).text }]
  } catch (error) {
    // A broken file costs the archive its text, not the whole upload; running out of budget does.
    if (error instanceof FileRejected && error.status !== 413) return [{ path, text: `[not read: ${error.message}]` }]
    throw error
  }
}

function capped(text: string, limits: FileLimits): string {
  if (text.length <= limits.maxTextCharacters) return text
  return `${text.slice(0, limits.maxTextCharacters)}\n[… cut: the file holds more than ${limits.maxTextCharacters.toLocaleString('en')} characters of text]`
}

/**
 * A dropped file's text, by its type (content first, name second): documents and archives read
 * here, images by OCR, audio by `transcribe`. Refusals are FileRejected with their status.
 */
export async function extractFile(file: UploadedFile, { transcribe, limits = FILE_LIMITS }: ExtractOptions = {}): Promise<Attachment> {
  if (file.data.length > limits.maxUploadBytes) {
    throw new FileRejected(413, `${file.name} is larger than ${Math.round(limits.maxUploadBytes / 1024 / 1024)} MB.`)
  }
  const type = await detectType(file.data, file.name)
  if (!type) throw new FileRejected(415, `${file.name} is not a type of file we read. Send ${ACCEPTED}.`)
  const content = await contentOf(file, type, { budget: budgetOf(limits, OCR_IMAGES_PER_UPLOAD), depth: 0, transcribe })
  const text = capped(content.text, limits)
  return { name: file.name, kind: content.kind, text, tokens: countTokens(text), ...(content.dataUrl ? { dataUrl: content.dataUrl } : {}) }
}
