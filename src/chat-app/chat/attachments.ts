import { api, ApiError } from '../api'
import type { Attachment } from '../types'

export const MAX_FILE_BYTES = 20 * 1024 * 1024

/** The server extracts the text (or transcribes, or OCRs) and answers what the model will read. */
export async function uploadFile(file: File, tooLarge: string): Promise<Attachment> {
  // Refused here too, so nobody waits for 20 MB to upload only to hear it was too much.
  if (file.size > MAX_FILE_BYTES) throw new ApiError(tooLarge, 413)
  const form = new FormData()
  form.append('file', file, file.name)
  return api<Attachment>('/api/chat/files', { method: 'POST', body: form })
}
