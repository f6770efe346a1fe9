import sharp from 'sharp'

import { unreadable } from './errors'
import type { FileLimits } from './limits'
import { recognize } from './ocr'

const FORMAT = 'an image'

/** Upright (EXIF orientation applied), at most `side` pixels on its longest side. */
const fitted = (data: Uint8Array, limits: FileLimits, side: number) =>
  sharp(data, { limitInputPixels: limits.maxImagePixels }).rotate().resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })

/** For vision models: JPEG, or PNG where transparency matters, within their size limits. */
async function visionDataUrl(data: Uint8Array, limits: FileLimits): Promise<string> {
  const image = fitted(data, limits, limits.visionMaxSide)
  const { hasAlpha } = await sharp(data, { limitInputPixels: limits.maxImagePixels }).metadata()
  const [type, encoded] = hasAlpha ? ['image/png', image.png()] : ['image/jpeg', image.jpeg({ quality: 85 })]
  return `data:${type};base64,${(await encoded.toBuffer()).toString('base64')}`
}

/** OCR reads grey on white: transparency flattened, colour dropped. */
const ocrInput = (data: Uint8Array, limits: FileLimits) => fitted(data, limits, limits.ocrMaxSide).flatten({ background: '#ffffff' }).grayscale().png().toBuffer()

/** The image's text by OCR, and the image itself when asked for (a vision model can look at it). */
export async function readImage(data: Uint8Array, name: string, limits: FileLimits, withDataUrl: boolean): Promise<{ text: string; dataUrl?: string }> {
  let decoded: [Buffer, string | undefined]
  try {
    decoded = await Promise.all([ocrInput(data, limits), withDataUrl ? visionDataUrl(data, limits) : undefined])
  } catch (error) {
    throw unreadable(name, FORMAT, (error as Error).message)
  }
  const [png, dataUrl] = decoded
  return { text: await recognize(png), dataUrl }
}
