import mammoth from 'mammoth'

import { unpackZip, type Budget } from './archive'
import { unreadable } from './errors'

const FORMAT = 'a Word document'

export async function readDocx(data: Uint8Array, name: string, budget: Budget): Promise<string> {
  // Unpacked once within the budget first: mammoth itself would inflate a zip bomb without limit.
  await unpackZip(data, budget, name, FORMAT, () => false)
  try {
    return (await mammoth.extractRawText({ buffer: Buffer.from(data) })).value.trim()
  } catch (error) {
    throw unreadable(name, FORMAT, (error as Error).message)
  }
}
