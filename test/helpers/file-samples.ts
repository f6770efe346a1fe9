import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import PDFDocument from 'pdfkit'
import sharp from 'sharp'

/**
 * Small sample files of every type a chat accepts, built in memory: Office documents as the
 * minimal zips Word and PowerPoint would open, images rendered by sharp.
 */

const zipOf = async (files: Record<string, string | Buffer>) => {
  const zip = new JSZip()
  for (const [path, content] of Object.entries(files)) zip.file(path, content)
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
}

export function pdfSample(pages: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument()
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    pages.forEach((text, i) => {
      if (i > 0) doc.addPage()
      doc.fontSize(14).text(text)
    })
    doc.end()
  })
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function docxSample(paragraphs: string[]): Promise<Buffer> {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join('')
  return zipOf({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  })
}

const slideXml = (lines: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody>${lines
    .map((line) => `<a:p><a:r><a:t>${escapeXml(line)}</a:t></a:r></a:p>`)
    .join('')}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`

/** Slides listed in presentation order, stored under file numbers in reverse to prove the order is read. */
export function pptxSample(slides: string[][]): Promise<Buffer> {
  const files: Record<string, string> = {}
  const ids: string[] = []
  const relations: string[] = []
  slides.forEach((lines, i) => {
    const number = slides.length - i
    files[`ppt/slides/slide${number}.xml`] = slideXml(lines)
    relations.push(`<Relationship Id="rId${i + 10}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide${number}.xml"/>`)
    ids.push(`<p:sldId id="${256 + i}" r:id="rId${i + 10}"/>`)
  })
  return zipOf({
    ...files,
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'ppt/presentation.xml': `<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst>${ids.join('')}</p:sldIdLst></p:presentation>`,
    'ppt/_rels/presentation.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relations.join('')}</Relationships>`,
  })
}

export async function xlsxSample(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

export const zipSample = zipOf

/** A stored (uncompressed) zip, so its bytes are what a test hands over. */
export async function storedZip(files: Record<string, string | Buffer>) {
  const zip = new JSZip()
  for (const [path, content] of Object.entries(files)) zip.file(path, content)
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' })
}

/** English text rendered in DejaVu Sans, black on white. */
export function englishImage(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${40 + text.length * 22}" height="90"><rect width="100%" height="100%" fill="white"/><text x="20" y="58" font-family="DejaVu Sans" font-size="36" fill="black">${escapeXml(text)}</text></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

/**
 * Chinese characters made of straight strokes, drawn as rectangles on a 10×10 grid: this machine
 * has no CJK font, and these shapes need none.
 */
const STROKES: Record<string, [number, number, number, number][]> = {
  中: [[1, 2, 8, 1], [1, 2, 1, 4], [8, 2, 1, 4], [1, 5, 8, 1], [4.5, 0, 1, 10]],
  口: [[1, 1, 8, 1], [1, 1, 1, 8], [8, 1, 1, 8], [1, 8, 8, 1]],
  日: [[2, 0, 1, 10], [7, 0, 1, 10], [2, 0, 6, 1], [2, 4.5, 6, 1], [2, 9, 6, 1]],
  田: [[1, 1, 1, 8], [8, 1, 1, 8], [1, 1, 8, 1], [1, 4.5, 8, 1], [1, 8, 8, 1], [4.5, 1, 1, 8]],
  王: [[1, 1, 8, 1], [2, 4.5, 6, 1], [0.5, 8.5, 9, 1], [4.5, 1, 1, 8]],
  工: [[1, 1, 8, 1], [0.5, 8, 9, 1], [4.5, 1, 1, 8]],
  三: [[2, 1, 6, 1], [2.5, 4.5, 5, 1], [1, 8, 8, 1]],
  十: [[0.5, 4.5, 9, 1], [4.5, 0.5, 1, 9]],
}

export function chineseImage(text: string): Promise<Buffer> {
  const unit = 6
  const cell = 14 * unit
  const margin = 20
  const rects = [...text].flatMap((char, i) =>
    STROKES[char]!.map(([x, y, w, h]) => `<rect x="${margin + i * cell + x * unit}" y="${margin + y * unit}" width="${w * unit}" height="${h * unit}"/>`),
  )
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${margin * 2 + cell * [...text].length}" height="${margin * 2 + 10 * unit}"><rect width="100%" height="100%" fill="white"/><g fill="black">${rects.join('')}</g></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

/** A second of silence as 8 kHz mono 16-bit WAV. */
export function wavSample(): Buffer {
  const samples = Buffer.alloc(8000 * 2)
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'latin1')
  header.writeUInt32LE(36 + samples.length, 4)
  header.write('WAVEfmt ', 8, 'latin1')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(8000, 24)
  header.writeUInt32LE(16000, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'latin1')
  header.writeUInt32LE(samples.length, 40)
  return Buffer.concat([header, samples])
}
