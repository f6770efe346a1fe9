import { execFile, execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'

import { extractFile } from '../../src/files/extract'
import { closeOcr } from '../../src/files/ocr'
import { chineseImage, englishImage } from '../helpers/file-samples'

/** OCR starts a Tesseract worker (a second or two) and reads each small image in about a second. */
const OCR_TIMEOUT = 120_000

const image = (name: string, data: Buffer) => ({ name, data, mimeType: 'image/png' })

/** Whether this machine lets us cut a process off the network (Linux, as root or with user namespaces). */
function canIsolate(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

afterAll(() => closeOcr())

describe('images', () => {
  it(
    'reads English text by OCR and hands the image back for vision models',
    async () => {
      const result = await extractFile(image('invoice.png', await englishImage('Invoice 2024: total due 1,250 USD')))
      expect(result).toMatchObject({ name: 'invoice.png', kind: 'image' })
      expect(result.text).toContain('Invoice 2024')
      expect(result.text).toContain('1,250 USD')
      expect(result.tokens).toBeGreaterThan(3)
      expect(result.dataUrl).toMatch(/^data:image\/png;base64,/)
    },
    OCR_TIMEOUT,
  )

  it(
    'reads Simplified Chinese, without the spaces Tesseract puts between characters',
    async () => {
      const result = await extractFile(image('chinese.png', await chineseImage('中日田王工')))
      expect(result.kind).toBe('image')
      expect(result.text).toContain('中日田王工')
    },
    OCR_TIMEOUT,
  )

  it(
    'reads images sent together, one after another on the one worker',
    async () => {
      const [english, chinese] = await Promise.all([
        extractFile(image('a.png', await englishImage('First image'))),
        extractFile(image('b.png', await chineseImage('三十'))),
      ])
      expect(english.text).toContain('First image')
      expect(chinese.text).toContain('三十')
    },
    OCR_TIMEOUT,
  )

  it(
    'scales large photos down for vision models, as JPEG when there is no transparency',
    async () => {
      const photo = await sharp({ create: { width: 4000, height: 1000, channels: 3, background: '#ffffff' } })
        .composite([{ input: await englishImage('Wide banner'), top: 400, left: 100 }])
        .jpeg()
        .toBuffer()
      const result = await extractFile({ name: 'banner.jpg', data: photo, mimeType: 'image/jpeg' })
      expect(result.dataUrl).toMatch(/^data:image\/jpeg;base64,/)
      const scaled = await sharp(Buffer.from(result.dataUrl!.split(',')[1]!, 'base64')).metadata()
      expect([scaled.width, scaled.height]).toEqual([2048, 512])
      expect(result.text).toContain('Wide banner')
    },
    OCR_TIMEOUT,
  )

  it(
    'needs no network: the language data is read from the installed packages',
    async () => {
      if (!canIsolate()) return console.warn('unshare -n is not available here; the offline OCR check did not run')
      const dir = await mkdtemp(join(tmpdir(), 'ocr-offline-'))
      try {
        const path = join(dir, 'offline.png')
        await writeFile(path, await chineseImage('中王'))
        const { stdout } = await promisify(execFile)('unshare', ['-n', 'node_modules/.bin/tsx', 'test/helpers/extract-file-cli.ts', path], { timeout: OCR_TIMEOUT })
        expect(JSON.parse(stdout)).toMatchObject({ kind: 'image', text: expect.stringContaining('中王') })
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
    OCR_TIMEOUT,
  )
})
