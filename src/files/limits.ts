export type FileLimits = Record<
  'maxUploadBytes' | 'maxZipDepth' | 'maxZipEntries' | 'maxUnpackedBytes' | 'maxTextCharacters' | 'maxImagePixels' | 'visionMaxSide' | 'ocrMaxSide',
  number
>

/** How much a dropped file may hold: generous for documents, bounded against archives that unpack into gigabytes. */
export const FILE_LIMITS: FileLimits = {
  /** The upload itself. */
  maxUploadBytes: 20 * 1024 * 1024,
  /** Levels of archives opened: the upload itself, then archives inside it, and so on. */
  maxZipDepth: 3,
  /** Entries over all levels of one upload. */
  maxZipEntries: 1000,
  /** Bytes unpacked over all levels of one upload, measured while inflating (headers may lie). */
  maxUnpackedBytes: 100 * 1024 * 1024,
  /** Text handed back; more would not fit any model's context anyway. */
  maxTextCharacters: 1_000_000,
  /** Decoded pixels an image may have (a tiny PNG can declare a huge canvas). */
  maxImagePixels: 50_000_000,
  /** Longest side of the image sent to vision models. */
  visionMaxSide: 2048,
  /** Longest side of the image OCR reads: enough for screenshots, bounded in time. */
  ocrMaxSide: 3000,
}
