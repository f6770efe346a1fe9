import JSZip from 'jszip'

import { FileRejected, unreadable } from './errors'
import type { FileLimits } from './limits'
import { decodeText } from './text'

/** What one upload may still unpack, over all its nested archives and Office documents. */
export type Budget = { limits: FileLimits; entries: number; bytes: number; ocrImages: number }

export const budgetOf = (limits: FileLimits, ocrImages: number): Budget => ({
  limits,
  entries: limits.maxZipEntries,
  bytes: limits.maxUnpackedBytes,
  ocrImages,
})

export type ZipEntry = { path: string; data: Buffer }

/** Names as the archiver wrote them: UTF-8, or GBK from Chinese Windows, which sets no flag. */
const decodeFileName = (bytes: string[] | Uint8Array | Buffer) =>
  Array.isArray(bytes) ? bytes.join('') : (decodeText(bytes) ?? Buffer.from(bytes).toString('latin1'))

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** JSZip's own stream (missing from its typings): it can be paused, unlike its Node stream. */
type EntryStream = {
  on(event: 'data', listener: (chunk: Buffer) => void): EntryStream
  on(event: 'end', listener: () => void): EntryStream
  on(event: 'error', listener: (error: Error) => void): EntryStream
  pause(): EntryStream
  resume(): EntryStream
}

/** Inflates one entry, counting real bytes as they come: sizes in the headers may lie. */
function inflate(file: JSZip.JSZipObject, budget: Budget, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const stream = (file as unknown as { internalStream(type: 'nodebuffer'): EntryStream }).internalStream('nodebuffer')
    stream
      .on('data', (chunk) => {
        budget.bytes -= chunk.length
        if (budget.bytes >= 0) return void chunks.push(chunk)
        stream.pause()
        reject(new FileRejected(413, `${name} unpacks to more than ${megabytes(budget.limits.maxUnpackedBytes)}.`))
      })
      .on('error', reject)
      .on('end', () => resolve(Buffer.concat(chunks)))
      .resume()
  })
}

/**
 * Every file of a zip (an archive or an Office document), unpacked within the upload's budget;
 * `format` names it in errors. Entries `keep` refuses are inflated and counted, then dropped.
 */
export async function unpackZip(data: Uint8Array, budget: Budget, name: string, format: string, keep: (path: string) => boolean = () => true): Promise<ZipEntry[]> {
  let zip: JSZip
  try {
    // No checkCRC32: JSZip would inflate every entry here, before any byte is counted.
    zip = await JSZip.loadAsync(data, { decodeFileName })
  } catch (error) {
    throw unreadable(name, format, (error as Error).message)
  }
  const entries: ZipEntry[] = []
  for (const file of Object.values(zip.files)) {
    if (file.dir) continue
    if (--budget.entries < 0) throw new FileRejected(413, `${name} holds more than ${budget.limits.maxZipEntries} files.`)
    let content: Buffer
    try {
      content = await inflate(file, budget, name)
    } catch (error) {
      if (error instanceof FileRejected) throw error
      throw unreadable(name, format, `${file.name}: ${(error as Error).message}`)
    }
    if (keep(file.name)) entries.push({ path: file.name, data: content })
  }
  return entries
}
