import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { postEntry } from '../../src/billing/ledger'
import { sqlRunnerOf } from '../../src/billing/sql'
import { closeOcr } from '../../src/files/ocr'
import { addModel, platformWithKeys } from '../helpers/catalog'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { chineseImage, docxSample, pdfSample, wavSample, zipSample } from '../helpers/file-samples'
import { catalogSettled, signIn, startTestServer, type Session, type TestServer } from '../helpers/server'

/** `POST /api/chat/files` over HTTP: the real server, a fake speech-to-text provider behind the relay. */

let server: TestServer
let upstream: FakeUpstream
let customer: Session
let customerId: string

const AUDIO_PRICE = 20_000

async function upload(name: string, data: Buffer, headers: Record<string, string> = customer.headers, type = 'application/octet-stream') {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(data)], { type }), name)
  const res = await fetch(`${server.baseUrl}/api/chat/files`, { method: 'POST', body: form, headers })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

async function newCustomer(email: string) {
  const user = await server.payload.create({ collection: 'users', data: { email, password: 'files-password-1' } })
  return { id: String(user.id), session: await signIn(server.baseUrl, 'users', email, 'files-password-1') }
}

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  server = await startTestServer()
  const created = await newCustomer('files@chat.test')
  customer = created.session
  customerId = created.id
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
  await closeOcr()
})

describe('reading files', () => {
  it('answers a document as text with its token count', async () => {
    const { status, body } = await upload('report.pdf', await pdfSample(['Revenue grew in the north']))
    expect(status).toBe(200)
    expect(body).toEqual({ name: 'report.pdf', kind: 'text', text: expect.stringContaining('Revenue grew in the north'), tokens: expect.any(Number) })
  })

  it('reads a zip holding a Word document, a CSV and a nested zip', async () => {
    const archive = await zipSample({
      'letter.docx': await docxSample(['Hello from Word']),
      'table.csv': 'name,qty\npens,3',
      'more.zip': await zipSample({ 'note.md': '# Nested note' }),
    })
    const { status, body } = await upload('bundle.zip', archive)
    expect(status).toBe(200)
    expect(body.text).toBe('=== letter.docx ===\nHello from Word\n\n=== table.csv ===\nname,qty\npens,3\n\n=== more.zip/note.md ===\n# Nested note')
  })

  it(
    'reads an image by OCR and returns it for vision models',
    async () => {
      const { status, body } = await upload('sign.png', await chineseImage('中王'), customer.headers, 'image/png')
      expect(status).toBe(200)
      expect(body).toMatchObject({ kind: 'image', text: expect.stringContaining('中王'), dataUrl: expect.stringMatching(/^data:image\/png;base64,/) })
    },
    120_000,
  )
})

describe('refusals', () => {
  it('asks to sign in (401)', async () => {
    const { status, body } = await upload('a.txt', Buffer.from('hi'), {})
    expect(status).toBe(401)
    expect(body).toEqual({ errors: [{ message: 'Sign in first.' }] })
  })

  it('refuses staff accounts (403)', async () => {
    const admin = await signIn(server.baseUrl, 'admins', 'root@modelgate.test', 'root-password-123')
    expect((await upload('a.txt', Buffer.from('hi'), admin.headers)).status).toBe(403)
  })

  it('explains a damaged file (422)', async () => {
    const { status, body } = await upload('broken.docx', Buffer.from('PK\x03\x04 truncated'))
    expect(status).toBe(422)
    expect(body.errors[0].message).toMatch(/^broken\.docx could not be read as a Word document/)
  })

  it('refuses types it does not read (415)', async () => {
    const { status, body } = await upload('program.exe', Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]))
    expect(status).toBe(415)
    expect(body.errors[0].message).toMatch(/^program\.exe is not a type of file we read/)
  })

  it('refuses files over 20 MB (413), just over and far over', async () => {
    const justOver = await upload('big.txt', Buffer.alloc(20 * 1024 * 1024 + 1, 0x61))
    expect(justOver).toEqual({ status: 413, body: { errors: [{ message: 'big.txt is larger than 20 MB.' }] } })
    const farOver = await upload('huge.txt', Buffer.alloc(25 * 1024 * 1024, 0x61))
    expect(farOver).toEqual({ status: 413, body: { errors: [{ message: 'The file is larger than 20 MB.' }] } })
  })

  it('asks for a multipart file field (400)', async () => {
    const res = await fetch(`${server.baseUrl}/api/chat/files`, { method: 'POST', headers: { ...customer.headers, 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(400)
    const form = new FormData()
    form.append('other', 'no file here')
    expect((await fetch(`${server.baseUrl}/api/chat/files`, { method: 'POST', headers: customer.headers, body: form })).status).toBe(400)
  })
})

describe('audio', () => {
  it('explains that no speech-to-text model is set up (400)', async () => {
    const { status, body } = await upload('memo.wav', wavSample())
    expect(status).toBe(400)
    expect(body.errors[0].message).toMatch(/no speech-to-text model is set up/)
  })

  it('transcribes through the relay on the customer’s account: routed, logged and charged', async () => {
    const platform = await platformWithKeys(server.payload, 'Fake speech', upstream.baseUrl, ['sk-good'])
    await addModel(server.payload, 'speech-to-text', platform, { upstreamName: 'whisper-1', kind: 'audio', requestPrice: AUDIO_PRICE })
    await catalogSettled(server)
    await sqlRunnerOf(server.payload).transaction((tx) => postEntry(tx, { ownerId: customerId, kind: 'top-up', bucket: 'cash', amount: 1_000_000, idempotencyKey: randomUUID() }))

    const { status, body } = await upload('memo.wav', wavSample(), customer.headers, 'audio/wav')
    expect(status).toBe(200)
    expect(body).toEqual({ name: 'memo.wav', kind: 'audio', text: 'transcribed by whisper-1 (file: true)', tokens: expect.any(Number) })
    expect(upstream.requests.at(-1)).toMatchObject({ key: 'sk-good', path: '/v1/audio/transcriptions' })

    await server.gateway.usage.flush()
    const { docs } = await server.payload.find({ collection: 'usage-logs', where: { endpoint: { equals: '/v1/audio/transcriptions' } }, depth: 0 })
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({ owner: customerId, apiKey: null, model: 'speech-to-text', upstreamModel: 'whisper-1', status: 'success', billedTo: 'wallet', charge: AUDIO_PRICE })
  })

  it('refuses a customer who cannot pay, as the relay would (402)', async () => {
    const broke = await newCustomer('broke@chat.test')
    const { status, body } = await upload('memo.wav', wavSample(), broke.session.headers, 'audio/wav')
    expect(status).toBe(402)
    expect(body.errors[0].message).toMatch(/balance|funds|quota/i)
  })
})
