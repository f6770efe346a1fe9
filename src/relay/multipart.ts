import busboy from 'busboy'

type Part = { name: string; value: string } | { name: string; data: Buffer; filename: string; mimeType: string }

/** Reads a multipart body (an audio upload) into its parts, all in memory: bodies are size-limited. */
export function readMultipart(raw: Buffer, contentType: string): Promise<Part[]> {
  return new Promise((resolve, reject) => {
    const parts: Part[] = []
    const parser = busboy({ headers: { 'content-type': contentType } })
    parser.on('field', (name, value) => parts.push({ name, value }))
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => parts.push({ name, data: Buffer.concat(chunks), filename: info.filename, mimeType: info.mimeType }))
    })
    parser.on('close', () => resolve(parts))
    parser.on('error', reject)
    parser.end(raw)
  })
}

/** The same parts as a new multipart body, with the `model` field replaced. */
export async function writeMultipart(parts: Part[], model: string): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData()
  for (const part of parts) {
    if ('value' in part) form.append(part.name, part.name === 'model' ? model : part.value)
    else form.append(part.name, new Blob([new Uint8Array(part.data)], { type: part.mimeType }), part.filename)
  }
  const encoded = new Response(form)
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! }
}
