import express, { Router, type NextFunction, type Request, type Response } from 'express'
import type { Payload } from 'payload'

import { FileRejected } from '../files/errors'
import { extractFile, type UploadedFile } from '../files/extract'
import { FILE_LIMITS } from '../files/limits'
import { relayTranscriber } from '../files/transcribe'
import { sendPayloadError } from '../lib/payload-errors'
import { RelayError } from '../relay/errors'
import type { Gateway } from '../relay/gateway'
import { readMultipart } from '../relay/multipart'
import { customerSession } from './customer-session'

/**
 * `POST /api/chat/files`: a file dropped into a chat message, answered as its text (see
 * docs/chat-files.md). Signed-in customers only; the body is read after the session is checked.
 */

/** Room for the multipart framing around a file of the largest size. */
const FRAMING_BYTES = 64 * 1024

const megabytes = `${Math.round(FILE_LIMITS.maxUploadBytes / 1024 / 1024)} MB`

async function uploadedFile(req: Request): Promise<UploadedFile | undefined> {
  if (!Buffer.isBuffer(req.body)) return undefined
  const parts = await readMultipart(req.body, String(req.headers['content-type']))
  const file = parts.find((part) => part.name === 'file' && 'data' in part)
  if (!file || !('data' in file)) return undefined
  return { name: file.filename || 'file', data: file.data, mimeType: file.mimeType }
}

export function chatFilesRoutes({ payload, gateway }: { payload: Payload; gateway?: Gateway }) {
  const router = Router()

  const signedIn = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const session = await customerSession(payload, req, 'Only customer accounts can attach files to chats.')
      if (!('user' in session)) return sendPayloadError(res, session.status, session.message)
      res.locals.ownerId = String(session.user.id)
      next()
    } catch (error) {
      next(error)
    }
  }

  const read = async (req: Request, res: Response) => {
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    try {
      const file = await uploadedFile(req).catch(() => undefined)
      if (!file) return sendPayloadError(res, 400, 'Send the file as multipart/form-data in a field named "file".')
      const ip = (req.ip ?? '').replace(/^::ffff:/, '')
      const transcribe = gateway ? relayTranscriber(gateway, { ownerId: res.locals.ownerId, headers: req.headers, ip, signal: controller.signal }) : undefined
      res.json(await extractFile(file, { transcribe }))
    } catch (error) {
      if (error instanceof FileRejected) return sendPayloadError(res, error.status, error.message)
      // The relay answers an empty wallet 429 as OpenAI does; the chat app says 402, as its other routes do.
      if (error instanceof RelayError) return sendPayloadError(res, error.code === 'insufficient_quota' ? 402 : error.status, error.message)
      payload.logger.error({ err: error }, 'reading a chat attachment failed')
      sendPayloadError(res, 500, 'The file could not be read; try again.')
    }
  }

  const unreadableBody = (error: { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return sendPayloadError(res, 413, `The file is larger than ${megabytes}.`)
    if (error.type === 'request.aborted') return sendPayloadError(res, 400, 'The upload was interrupted.')
    next(error)
  }

  router.post(
    '/api/chat/files',
    signedIn,
    express.raw({ type: 'multipart/form-data', limit: FILE_LIMITS.maxUploadBytes + FRAMING_BYTES }),
    read,
    unreadableBody,
  )
  return router
}
