import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import { describe, expect, it } from '@jest/globals'

import { FileRejected } from '../../src/files/errors'
import { extractFile } from '../../src/files/extract'
import { FILE_LIMITS } from '../../src/files/limits'
import { docxSample, pdfSample, pptxSample, xlsxSample } from '../helpers/file-samples'

const file = (name: string, data: Buffer | string) => ({ name, data: Buffer.from(data), mimeType: 'application/octet-stream' })

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as FileRejected)

describe('documents', () => {
  it('reads every page of a PDF', async () => {
    const result = await extractFile(file('report.pdf', await pdfSample(['Quarterly revenue grew', 'Second page closes'])))
    expect(result).toMatchObject({ name: 'report.pdf', kind: 'text' })
    expect(result.text).toContain('Quarterly revenue grew')
    expect(result.text).toContain('Second page closes')
    expect(result.text.indexOf('Quarterly')).toBeLessThan(result.text.indexOf('Second'))
    expect(result.tokens).toBeGreaterThan(5)
  })

  it('leaves JSON.parse native once a PDF was read, for every relay request uses it', async () => {
    // pdf.js polyfills JSON.parse as it loads, in a plain Node process (Jest's sandbox hides it).
    // (core-js also dresses its functions up as native code, so identity is what tells.)
    const script = `
      const native = JSON.parse
      const { readPdf } = await import('./src/files/pdf.ts')
      const { pdfSample } = await import('./test/helpers/file-samples.ts')
      const text = await readPdf(await pdfSample(['Polyfills']), 'p.pdf')
      console.log(JSON.stringify({ text, native: JSON.parse === native }))`
    const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toMatchObject({ text: expect.stringContaining('Polyfills'), native: true })
  }, 60_000)

  it('reads a Word document', async () => {
    const result = await extractFile(file('letter.docx', await docxSample(['Dear customer,', 'Your order & invoice <42> shipped.'])))
    expect(result.kind).toBe('text')
    expect(result.text).toBe('Dear customer,\n\nYour order & invoice <42> shipped.')
  })

  it('reads slides in the order the presentation lists them', async () => {
    const result = await extractFile(file('deck.pptx', await pptxSample([['Roadmap', 'Q1 & Q2'], ['Thanks']])))
    expect(result.text).toBe('Slide 1:\nRoadmap\nQ1 & Q2\n\nSlide 2:\nThanks')
  })

  it('reads every sheet of a workbook as CSV under its name', async () => {
    const data = await xlsxSample({
      Sales: [['Region', 'Amount', 'Day'], ['North, East', 12.5, new Date(Date.UTC(2024, 0, 31))], ['South', { formula: 'B2*2', result: 25 }]],
      Notes: [['said "hi"']],
    })
    const result = await extractFile(file('book.xlsx', data))
    expect(result.text).toBe('Sheet: Sales\nRegion,Amount,Day\n"North, East",12.5,2024-01-31\nSouth,25\n\nSheet: Notes\n"said ""hi"""')
  })

  it('reads CSV, text and Markdown as written, and GBK text from Chinese Windows', async () => {
    expect((await extractFile(file('data.csv', 'a,b\r\n1,2\r\n'))).text).toBe('a,b\n1,2')
    expect((await extractFile(file('notes.txt', '\uFEFFplain text'))).text).toBe('plain text')
    expect((await extractFile(file('README.md', '# Title\n\n- item'))).text).toBe('# Title\n\n- item')
    const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0xca, 0xc0, 0xbd, 0xe7]) // 你好世界 in GBK
    expect((await extractFile(file('chinese.txt', gbk))).text).toBe('你好世界')
  })

  it('reads the text of a web page without its scripts, styles and tags', async () => {
    const html = `<!doctype html><html><head><title>Prices</title><style>body{color:red}</style><script>alert("x")</script></head>
      <body><h1>Plans</h1><p>Basic &amp; Pro&nbsp;plans</p><!-- hidden --><table><tr><td>Basic</td><td>&#36;5</td></tr></table><noscript>enable js</noscript></body></html>`
    const result = await extractFile(file('page.html', html))
    expect(result.text).toBe('Prices\n\nPlans\n\nBasic & Pro plans\n\nBasic\t$5')
  })

  it('goes by content before the name', async () => {
    const result = await extractFile(file('renamed.txt', await docxSample(['Really a Word file'])))
    expect(result.text).toBe('Really a Word file')
    expect((await extractFile(file('page.txt', '<!DOCTYPE html><html><body><p>Hi</p></body></html>'))).text).toBe('Hi')
  })

  it('counts tokens of the text it answers', async () => {
    const result = await extractFile(file('hello.txt', 'hello world'))
    expect(result.tokens).toBe(2)
  })
})

describe('refusals', () => {
  it('answers 422 with the reason for damaged files of a known type', async () => {
    const pdf = await pdfSample(['cut short'])
    const cases: [string, Buffer, RegExp][] = [
      ['broken.pdf', pdf.subarray(0, 400), /broken\.pdf could not be read as a PDF/],
      ['broken.docx', (await docxSample(['x'])).subarray(0, 200), /broken\.docx could not be read as a Word document/],
      ['broken.xlsx', Buffer.from('PK\x03\x04 not really a zip'), /broken\.xlsx could not be read as an Excel workbook/],
      ['broken.zip', Buffer.from('PK\x03\x04 not really a zip'), /broken\.zip could not be read as a zip archive/],
      ['broken.png', Buffer.from('\x89PNG\r\n\x1a\n nothing more', 'latin1'), /broken\.png could not be read as an image/],
    ]
    for (const [name, data, message] of cases) {
      const error = await rejection(extractFile(file(name, data)))
      expect({ name, status: error?.status }).toEqual({ name, status: 422 })
      expect(error?.message).toMatch(message)
    }
  })

  it('answers 422 for a PDF without a text layer', async () => {
    const error = await rejection(extractFile(file('scan.pdf', await pdfSample(['']))))
    expect(error).toMatchObject({ status: 422, message: expect.stringMatching(/no text layer/) })
  })

  it('answers 415 for binary files it does not read, and for audio without a transcriber', async () => {
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    expect(await rejection(extractFile(file('tool.exe', binary)))).toMatchObject({ status: 415, message: expect.stringMatching(/tool\.exe is not a type of file we read/) })
    expect(await rejection(extractFile(file('memo.wav', Buffer.from('RIFF\0\0\0\0WAVEfmt '))))).toMatchObject({ status: 415 })
  })

  it('answers 413 above the size limit', async () => {
    const limits = { ...FILE_LIMITS, maxUploadBytes: 1024 * 1024 }
    expect(await rejection(extractFile(file('big.txt', 'a'.repeat(1024 * 1024 + 1)), { limits }))).toMatchObject({ status: 413, message: 'big.txt is larger than 1 MB.' })
  })
})
