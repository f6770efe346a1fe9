import type { IncomingHttpHeaders } from 'node:http'

import { sessionKey } from '../relay/catalog'
import type { CallSignal } from '../relay/client-signal'
import type { Gateway } from '../relay/gateway'
import { writeMultipart } from '../relay/multipart'
import type { RelayCall } from '../relay/relay'
import { FileRejected } from './errors'
import type { Transcribe, UploadedFile } from './extract'

const ENDPOINT = '/v1/audio/transcriptions'

type Customer = { ownerId: string; headers: IncomingHttpHeaders; ip: string; signal: CallSignal }

/** The operator's speech-to-text model: the catalog's first audio model. */
function audioModel(gateway: Gateway): string {
  const model = [...gateway.catalog().modelsByName.values()].find((m) => m.kind === 'audio')
  if (!model) throw new FileRejected(400, 'Audio cannot be transcribed: no speech-to-text model is set up. Ask the operator to add an audio model.')
  return model.name
}

function transcriptOf(body: Buffer, contentType: string): string {
  if (!contentType.includes('json')) return body.toString('utf8')
  const { text } = JSON.parse(body.toString('utf8')) as { text?: unknown }
  return typeof text === 'string' ? text : ''
}

/**
 * Transcription through the relay on the customer's own account, as their API calls would go:
 * the same routing, charge and usage log (without an API key, as chat-app traffic is logged).
 */
export function relayTranscriber(gateway: Gateway, customer: Customer): Transcribe {
  return async (file: UploadedFile) => {
    const model = audioModel(gateway)
    const call: RelayCall = { body: undefined, headers: customer.headers, ip: customer.ip, signal: customer.signal, key: sessionKey(gateway.catalog(), customer.ownerId) }
    const parts = [
      { name: 'model', value: model },
      { name: 'file', data: file.data, filename: file.name, mimeType: file.mimeType },
    ]
    const run = await gateway.relay.runPassthrough(call, ENDPOINT, {
      path: 'audio/transcriptions',
      model,
      inputCharacters: 0,
      body: (upstreamModel) => writeMultipart(parts, upstreamModel),
    })
    if (run.outcome.kind !== 'raw') throw new Error('unexpected answer')
    gateway.relay.logRun(run, call, ENDPOINT, { status: 'success', httpStatus: 200, ttfbMs: Date.now() - run.started })
    return transcriptOf(run.outcome.body, run.outcome.contentType)
  }
}
