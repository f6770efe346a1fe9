import { describe, expect, it } from '@jest/globals'

import { detectType } from '../../src/files/detect'
import { docxSample, pptxSample, wavSample, xlsxSample, zipSample } from '../helpers/file-samples'

const bytes = (...values: (number | string)[]) => Buffer.concat(values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))))

describe('file types', () => {
  it('goes by signature whatever the name says', async () => {
    expect(await detectType(bytes('%PDF-1.7\n'), 'notes.txt')).toBe('pdf')
    expect(await detectType(bytes(0x89, 'PNG\r\n', 0x1a, '\n'), 'x.pdf')).toBe('image')
    expect(await detectType(bytes(0xff, 0xd8, 0xff, 0xe0), 'photo')).toBe('image')
    expect(await detectType(bytes('RIFF\0\0\0\0WEBPVP8 '), 'a.bin')).toBe('image')
    expect(await detectType(wavSample(), 'recording')).toBe('audio')
    expect(await detectType(bytes('ID3', 4, 0), 'song.txt')).toBe('audio')
    expect(await detectType(bytes(0xff, 0xfb, 0x90, 0x64), 'frames')).toBe('audio')
    expect(await detectType(bytes('\0\0\0\x20ftypM4A '), 'voice.m4a')).toBe('audio')
  })

  it('tells Office documents from archives by what the zip holds, and by name when it is damaged', async () => {
    expect(await detectType(await docxSample(['x']), 'a.zip')).toBe('docx')
    expect(await detectType(await pptxSample([['x']]), 'a')).toBe('pptx')
    expect(await detectType(await xlsxSample({ S: [[1]] }), 'a.bin')).toBe('xlsx')
    expect(await detectType(await zipSample({ 'a.txt': 'x' }), 'a.docx')).toBe('zip')
    expect(await detectType(bytes('PK\x03\x04 damaged'), 'report.docx')).toBe('docx')
    expect(await detectType(bytes('PK\x03\x04 damaged'), 'report.zip')).toBe('zip')
  })

  it('reads text by its name, HTML by its content too', async () => {
    expect(await detectType(Buffer.from('a,b'), 'x.csv')).toBe('csv')
    expect(await detectType(Buffer.from('a\tb'), 'x.TSV')).toBe('csv')
    expect(await detectType(Buffer.from('# t'), 'x.md')).toBe('markdown')
    expect(await detectType(Buffer.from('<p>x</p>'), 'x.htm')).toBe('html')
    expect(await detectType(Buffer.from('  <!DOCTYPE html><html>'), 'saved')).toBe('html')
    expect(await detectType(Buffer.from('print("hi")'), 'script.py')).toBe('text')
    expect(await detectType(Buffer.from('\uFEFF中文', 'utf16le'), 'utf16.txt')).toBe('text')
  })

  it('leaves binary files it does not read undetected', async () => {
    expect(await detectType(bytes(0x7f, 'ELF', 2, 1, 1, 0, 0, 0), 'tool')).toBeUndefined()
    expect(await detectType(bytes('text with \x01\x02\x03\x04 control bytes'), 'x.txt')).toBeUndefined()
    expect(await detectType(bytes('BM', 0, 0, 0, 0), 'old.bmp')).toBeUndefined()
  })
})
