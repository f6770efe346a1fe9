import { FileRejected, unreadable } from './errors'

/**
 * pdf.js's legacy build (the one pdf-parse runs) installs core-js polyfills when it loads, among
 * them a JSON.parse wrapper that every JSON body the relay reads would then pass through. So it is
 * loaded with the first PDF, not with the server, and the native JSON.parse is put back: nothing
 * here uses the wrapper's addition (the source text given to revivers).
 */
let loading: Promise<typeof import('pdf-parse')> | undefined
function pdfParse() {
  loading ??= (async () => {
    const nativeParse = JSON.parse
    try {
      return await import('pdf-parse')
    } finally {
      JSON.parse = nativeParse
    }
  })()
  return loading
}

/** The text layer of every page, with pdf-parse's page markers (`-- 1 of 3 --`) kept for reference. */
export async function readPdf(data: Uint8Array, name: string): Promise<string> {
  const { PasswordException, PDFParse } = await pdfParse()
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
