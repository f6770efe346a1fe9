/** Control characters other than tab, newlines and form feed: plenty of them mean a binary file. */
const CONTROL = /[\x01-\x08\x0e-\x1a\x1c-\x1f]/g

function decodeStrict(data: Uint8Array, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(data)
  } catch {
    return undefined
  }
}

/**
 * Text files as people have them: UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030
 * (GBK), which Chinese Windows still writes. Undefined when the bytes are not text.
 */
export function decodeText(data: Uint8Array): string | undefined {
  if (data[0] === 0xff && data[1] === 0xfe) return decodeStrict(data, 'utf-16le')
  if (data[0] === 0xfe && data[1] === 0xff) return decodeStrict(data, 'utf-16be')
  if (data.includes(0)) return undefined
  const text = decodeStrict(data, 'utf-8') ?? decodeStrict(data, 'gb18030')
  if (text === undefined) return undefined
  return (text.match(CONTROL)?.length ?? 0) * 100 > text.length ? undefined : text
}

/** Plain text and Markdown go to the model as written, with Windows line ends made plain. */
export function readText(data: Uint8Array): string | undefined {
  return decodeText(data)?.replace(/\r\n?/g, '\n')
}
