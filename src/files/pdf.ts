import { PasswordException, PDFParse } from 'pdf-parse'

import { FileRejected, unreadable } from './errors'

/** The text layer of every page, with pdf-parse's page markers (`-- 1 of 3 --`) kept for reference. */
export async function readPdf(data: Uint8Array, name: string): Promise<string> {
  // pdf.js takes ownership of the bytes it is given, so it gets a copy.
  const parser = new PDFParse({ data: new Uint8Array(data), verbosity: 0 })
  let text: string
  try {
    text = (await parser.getText()).text
  } catch (error) {
    if (error instanceof PasswordException) throw new FileRejected(422, `${name} is protected by a password. Remove the password and try again.`)
    throw unreadable(name, 'a PDF', (error as Error).message)
  } finally {
    await parser.destroy()
  }
  if (!text.replace(/--\s*\d+ of \d+\s*--/g, '').trim()) {
    throw new FileRejected(422, `${name} has no text layer (a scan?). Send its pages as images to have them read by OCR.`)
  }
  return text.trim()
}
