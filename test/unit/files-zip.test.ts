import { randomBytes } from 'node:crypto'

import { describe, expect, it } from '@jest/globals'

import type { FileRejected } from '../../src/files/errors'
import { extractFile } from '../../src/files/extract'
import { FILE_LIMITS } from '../../src/files/limits'
import { docxSample, storedZip, zipSample } from '../helpers/file-samples'

const file = (name: string, data: Buffer) => ({ name, data, mimeType: 'application/zip' })
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as FileRejected)

describe('zip archives', () => {
  it('reads every file, nested archives and Office documents included, each labelled by its path', async () => {
    const inner = await zipSample({ 'deep/readme.txt': 'from the nested archive' })
    const archive = await zipSample({
      'docs/letter.docx': await docxSample(['Word inside a zip']),
      'data/table.csv': 'a,b\n1,2',
      'inner.zip': inner,
      '__MACOSX/docs/._letter.docx': 'resource fork',
      'tool.bin': Buffer.from([0, 1, 2, 3, 0, 0]),
    })
    const result = await extractFile(file('bundle.zip', archive))
    expect(result.kind).toBe('text')
    expect(result.text).toBe(
      [
        '=== docs/letter.docx ===\nWord inside a zip',
        '=== data/table.csv ===\na,b\n1,2',
        '=== inner.zip/deep/readme.txt ===\nfrom the nested archive',
        '=== tool.bin ===\n[not read: not a type of file we read]',
      ].join('\n\n'),
    )
  })

  it('notes a damaged file inside and reads the rest', async () => {
    const archive = await zipSample({ 'broken.docx': Buffer.from('PK\x03\x04 cut'), 'ok.txt': 'fine' })
    const { text } = await extractFile(file('mixed.zip', archive))
    expect(text).toMatch(/^=== broken\.docx ===\n\[not read: broken\.docx could not be read as a Word document/)
    expect(text).toMatch(/=== ok\.txt ===\nfine$/)
  })

  it('opens nested archives only so deep', async () => {
    let archive = await zipSample({ 'bottom.txt': 'too deep' })
    for (const level of [4, 3, 2]) archive = await zipSample({ [`level${level}.zip`]: archive })
    const { text } = await extractFile(file('level1.zip', archive))
    expect(text).toBe(`=== level2.zip/level3.zip/level4.zip ===\n[not opened: archives nested more than ${FILE_LIMITS.maxZipDepth} deep]`)
  })

  it('refuses archives that unpack beyond the limit, counting real bytes over every level (413)', async () => {
    const limits = { ...FILE_LIMITS, maxUnpackedBytes: 1024 * 1024 }
    // 2 MB of zeros compress to a few KB: a small zip bomb, nested once.
    const bomb = await zipSample({ 'zeros.txt': Buffer.alloc(2 * 1024 * 1024, 0x30) })
    expect(bomb.length).toBeLessThan(20_000)
    const outer = await zipSample({ 'bomb.zip': bomb })
    expect(await rejection(extractFile(file('outer.zip', outer), { limits }))).toMatchObject({ status: 413, message: 'bomb.zip unpacks to more than 1 MB.' })
  })

  it('does not trust the sizes an archive declares', async () => {
    const limits = { ...FILE_LIMITS, maxUnpackedBytes: 1024 * 1024 }
    // Random bytes do not compress, so inflating takes many steps, each counted.
    const liar = await zipSample({ 'noise.bin': randomBytes(3 * 1024 * 1024) })
    // Declared uncompressed size (local header at 22, central directory at 24) set to 1 byte.
    const central = liar.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'))
    liar.writeUInt32LE(1, 22)
    liar.writeUInt32LE(1, central + 24)
    expect(await rejection(extractFile(file('liar.zip', liar), { limits }))).toMatchObject({ status: 413, message: 'liar.zip unpacks to more than 1 MB.' })
  })

  it('refuses archives with too many files (413), also inside Office documents', async () => {
    const limits = { ...FILE_LIMITS, maxZipEntries: 3 }
    const many = await storedZip({ a: 'a', b: 'b', c: 'c', d: 'd' })
    expect(await rejection(extractFile(file('many.zip', many), { limits }))).toMatchObject({ status: 413, message: 'many.zip holds more than 3 files.' })
    const docx = await docxSample(['three parts plus one'])
    const tight = { ...FILE_LIMITS, maxZipEntries: 2 }
    expect(await rejection(extractFile(file('letter.docx', docx), { limits: tight }))).toMatchObject({ status: 413 })
  })

  it('reads file names written in GBK by Chinese Windows', async () => {
    // An ASCII name of the same length, swapped for GBK bytes without the UTF-8 flag, as old archivers write.
    const archive = await storedZip({ 'name.txt': '内容' })
    const gbkName = Buffer.from([0xb1, 0xa8, 0xb8, 0xe6, 0x2e, 0x74, 0x78, 0x74]) // 报告.txt
    const patched = Buffer.from(archive.toString('latin1').replaceAll('name.txt', gbkName.toString('latin1')), 'latin1')
    const { text } = await extractFile(file('gbk.zip', patched))
    expect(text).toBe('=== 报告.txt ===\n内容')
  })
})
