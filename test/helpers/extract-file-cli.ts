import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'

import { extractFile } from '../../src/files/extract'
import { closeOcr } from '../../src/files/ocr'

/** `tsx test/helpers/extract-file-cli.ts <file>`: prints what the chat would get, for runs in a sandbox (no network). */
const path = process.argv[2]!
const result = await extractFile({ name: basename(path), data: await readFile(path), mimeType: 'application/octet-stream' })
await closeOcr()
process.stdout.write(JSON.stringify({ ...result, dataUrl: result.dataUrl?.slice(0, 30) }))
