import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { findWallet, postEntry } from '../../src/billing/ledger'
import { sqlRunnerOf, type SqlRunner } from '../../src/billing/sql'
import { grantPlan } from '../../src/billing/subscriptions'
import { seedPromptTemplates, TEMPLATES } from '../../src/chat/templates'
import { DEMO_MODEL_NAME } from '../../src/seed'
import { addModel, platformWithKeys } from '../helpers/catalog'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { rest, waitFor } from '../helpers/rest'
import { catalogSettled, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * The chat app's server: answers streamed as events, saved as messages, billed and logged like
 * API traffic on the customer's session; stop, regenerate, edit, titles, export, models and
 * templates, and one customer never reaching another's conversations.
 */

let server: TestServer
let upstream: FakeUpstream
let money: SqlRunner

type Event = Record<string, any> & { type: string }
type Customer = { id: string; token: string }

const FULL_REPLY = 'Hello from the fake upstream, streamed in pieces.'

async function customer(): Promise<Customer> {
  const email = `c-${randomUUID()}@chat.test`
  const user = await server.payload.create({ collection: 'users', data: { email, password: 'chat-password-1' } })
  const { token } = await signIn(server.baseUrl, 'users', email, 'chat-password-1')
  return { id: user.id, token }
}

const topUp = (ownerId: string, amount: number) =>
  money.transaction((tx) => postEntry(tx, { ownerId, kind: 'top-up', bucket: 'cash', amount, idempotencyKey: randomUUID() }))

function post(path: string, body: unknown, who: Customer, signal?: AbortSignal) {
  return fetch(`${server.baseUrl}/api/chat/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `JWT ${who.token}` },
    body: JSON.stringify(body),
    signal,
  })
}

/** Events as they arrive; `onEvent` may look at the database mid-stream. */
async function readEvents(res: Response, onEvent: (event: Event) => Promise<boolean | void> = async () => undefined): Promise<Event[]> {
  const events: Event[] = []
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return events
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = JSON.parse(block.replace(/^data: /, '')) as Event
      events.push(event)
      if ((await onEvent(event)) === true) {
        await reader.cancel().catch(() => undefined)
        return events
      }
    }
  }
}

async function chat(path: string, body: unknown, who: Customer) {
  const res = await post(path, body, who)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/event-stream')
  const events = await readEvents(res)
  const of = (type: string) => events.filter((e) => e.type === type)
  return { events, of, done: of('done')[0]?.message, conversation: of('conversation')[0]?.conversation }
}

async function messagesIn(conversation: string) {
  const { docs } = await server.payload.find({ collection: 'messages', where: { conversation: { equals: conversation } }, sort: 'createdAt', pagination: false, overrideAccess: true })
  return docs
}

async function logsOf(ownerId: string) {
  await server.gateway.usage.flush()
  const { docs } = await server.payload.find({ collection: 'usage-logs', where: { owner: { equals: ownerId } }, sort: 'createdAt', pagination: false, depth: 0 })
  return docs
}

async function countFor(ownerId: string) {
  const [conversations, messages] = await Promise.all([
    server.payload.count({ collection: 'conversations', where: { owner: { equals: ownerId } } }),
    server.payload.count({ collection: 'messages', where: { owner: { equals: ownerId } } }),
  ])
  return { conversations: conversations.totalDocs, messages: messages.totalDocs }
}

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  server = await startTestServer()
  money = sqlRunnerOf(server.payload)
  const good = await platformWithKeys(server.payload, 'Good', upstream.baseUrl, ['sk-good'])
  const slow = await platformWithKeys(server.payload, 'Slow', upstream.baseUrl, ['sk-slow'])
  await addModel(server.payload, 'priced-chat', good, { requestPrice: 1000, contextWindow: 8000, vision: true })
  await addModel(server.payload, 'tiny-context', good, { requestPrice: 1000, contextWindow: 50 })
  await addModel(server.payload, 'slow-chat', slow, { outputPrice: 1_000_000 })
  await addModel(server.payload, 'embed-1', good, { kind: 'embedding' })
  await catalogSettled(server)
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

describe('sending', () => {
  it('saves the question first, streams the answer in pieces, names the conversation and logs the run as session traffic', async () => {
    const alice = await customer()
    const res = await post('send', { model: DEMO_MODEL_NAME, content: 'Tell me about the sea' }, alice)
    expect(res.status).toBe(200)
    let conversationId = ''
    let savedAtFirstDelta: Awaited<ReturnType<typeof messagesIn>> | undefined
    const events = await readEvents(res, async (event) => {
      if (event.type === 'conversation') conversationId = event.conversation.id
      if (event.type === 'delta' && !savedAtFirstDelta) savedAtFirstDelta = await messagesIn(conversationId)
    })
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(['conversation', 'user', 'assistant'])
    expect(savedAtFirstDelta!.map((m) => [m.role, m.status])).toEqual([
      ['user', 'done'],
      ['assistant', 'streaming'],
    ])
    const deltas = events.filter((e) => e.type === 'delta')
    expect(deltas.length).toBeGreaterThan(5)
    const done = events.find((e) => e.type === 'done')!.message
    expect(done).toMatchObject({ role: 'assistant', status: 'done', content: deltas.map((d) => d.text).join(''), charge: 0, model: DEMO_MODEL_NAME })
    expect(done.usage.promptTokens).toBeGreaterThan(0)
    expect(done.usage.completionTokens).toBeGreaterThan(0)

    expect(events[0]!.conversation.title).toBe('Tell me about the sea')
    const title = events.find((e) => e.type === 'title')!.title
    expect(typeof title).toBe('string')
    expect(events.at(-1)!.type).toBe('title')
    const conversation = await server.payload.findByID({ collection: 'conversations', id: conversationId })
    expect(conversation).toMatchObject({ title, model: DEMO_MODEL_NAME })

    const logs = await logsOf(alice.id)
    const answerLog = logs.find((l) => l.requestId === done.requestId)!
    expect(answerLog).toMatchObject({ endpoint: '/v1/chat/completions', model: DEMO_MODEL_NAME, status: 'success', stream: true })
    expect(answerLog.apiKey ?? null).toBeNull()
    // The answer and the title request.
    expect(logs).toHaveLength(2)
  })

  it('charges the wallet as API traffic is charged, and the message shows the charge', async () => {
    const bob = await customer()
    await topUp(bob.id, 1_000_000)
    const { done, of } = await chat('send', { model: 'priced-chat', content: 'Hi' }, bob)
    expect(done).toMatchObject({ status: 'done', content: FULL_REPLY, charge: 1000, usage: { promptTokens: 11, completionTokens: 9 } })
    expect(of('delta').length).toBeGreaterThan(3)
    const log = (await logsOf(bob.id)).find((l) => l.requestId === done.requestId)!
    expect(log).toMatchObject({ billedTo: 'wallet', charge: 1000, status: 'success', model: 'priced-chat' })
    expect(log.apiKey ?? null).toBeNull()
    expect((await findWallet(money.query, bob.id))!.cash).toBe(1_000_000 - 1000)
  })

  it('passes on a refusal for lack of funds as JSON, before anything is saved', async () => {
    const broke = await customer()
    const res = await post('send', { model: 'priced-chat', content: 'Hi' }, broke)
    expect(res.status).toBe(429)
    const body = (await res.json()) as { errors: { message: string; code: string }[] }
    expect(body.errors[0]!.code).toBe('insufficient_quota')
    expect(await countFor(broke.id)).toEqual({ conversations: 0, messages: 0 })
  })

  it('refuses a prompt larger than the context window with 400, charging and saving nothing', async () => {
    const carol = await customer()
    await topUp(carol.id, 1_000_000)
    const before = upstream.requests.length
    const res = await post('send', { model: 'tiny-context', content: 'word '.repeat(20), attachments: [{ name: 'notes.txt', kind: 'text', text: 'A long file. '.repeat(30) }] }, carol)
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: { message: string; code: string }[] }
    expect(body.errors[0]).toMatchObject({ code: 'context_length_exceeded' })
    expect(body.errors[0]!.message).toContain('50')
    expect(upstream.requests.length).toBe(before)
    expect(await countFor(carol.id)).toEqual({ conversations: 0, messages: 0 })
    expect(await logsOf(carol.id)).toHaveLength(0)
    expect((await findWallet(money.query, carol.id))!).toMatchObject({ cash: 1_000_000, reserved: 0 })
  })

  it('refuses an unknown model with 404 and a model that is not a chat model alike', async () => {
    const dave = await customer()
    for (const model of ['no-such-model', 'embed-1']) {
      const res = await post('send', { model, content: 'Hi' }, dave)
      expect(res.status).toBe(404)
    }
    expect((await post('send', { model: DEMO_MODEL_NAME, content: 'Hi' }, { id: '', token: 'nope' })).status).toBe(401)
  })

  it('sends the text of attached files, and images to a vision model', async () => {
    const erin = await customer()
    await topUp(erin.id, 1_000_000)
    const before = upstream.requests.length
    const { done } = await chat(
      'send',
      {
        model: 'priced-chat',
        content: 'Summarise',
        attachments: [
          { name: 'a.txt', kind: 'text', text: 'The file text.' },
          { name: 'p.png', kind: 'image', text: 'ocr words', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' },
        ],
      },
      erin,
    )
    expect(done.status).toBe('done')
    const sent = upstream.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'))!.body
    const parts = sent.messages.at(-1).content
    expect(parts[0].text).toContain('The file text.')
    expect(parts[0].text).toContain('ocr words')
    expect(parts[1]).toEqual({ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } })
    const [question] = await messagesIn(done.conversation)
    expect((question!.attachments as { name: string; tokens: number }[]).map((a) => a.name)).toEqual(['a.txt', 'p.png'])
  })
})

describe('stopping, regenerating and editing', () => {
  it('stops at once when the customer closes the request, keeping and charging what arrived', async () => {
    const frank = await customer()
    await topUp(frank.id, 10_000_000)
    const controller = new AbortController()
    const before = upstream.requests.length
    const res = await post('send', { model: 'slow-chat', content: 'Go slowly' }, frank, controller.signal)
    let conversation = ''
    await readEvents(res, async (event) => {
      if (event.type === 'conversation') conversation = event.conversation.id
      return event.type === 'delta'
    }).catch(() => undefined)
    controller.abort()
    const index = upstream.requests.findIndex((r, i) => i >= before && r.body.model)
    expect(await waitFor(async () => upstream.closedSockets.includes(index), { timeoutMs: 1000 })).not.toBeNull()
    let answer: Awaited<ReturnType<typeof messagesIn>>[number] | undefined
    await waitFor(async () => {
      answer = (await messagesIn(conversation))[1]
      return answer?.status === 'stopped'
    })
    expect(answer).toMatchObject({ status: 'stopped' })
    expect(answer!.content!.length).toBeGreaterThan(0)
    expect(answer!.content!.length).toBeLessThan(FULL_REPLY.length)
    await waitFor(async () => (await logsOf(frank.id)).length > 0)
    const [log] = await logsOf(frank.id)
    expect(log).toMatchObject({ status: 'client-aborted', requestId: answer!.requestId })
    expect(log!.charge).toBeGreaterThan(0)
    expect(answer!.charge).toBe(log!.charge)
  })

  it('saves what a slow answer has delivered while it streams, so a server crash keeps it', async () => {
    const hana = await customer()
    await topUp(hana.id, 10_000_000)
    const res = await post('send', { model: 'slow-chat', content: 'Go slowly' }, hana)
    let conversation = ''
    let deltas = 0
    let midway: Awaited<ReturnType<typeof messagesIn>>[number] | undefined
    await readEvents(res, async (event) => {
      if (event.type === 'conversation') conversation = event.conversation.id
      // A piece every 200 ms: past a second, a save of what arrived so far has been made.
      if (event.type === 'delta' && ++deltas === 7) midway = (await messagesIn(conversation))[1]
    })
    expect(midway).toMatchObject({ status: 'streaming' })
    expect(midway!.content!.length).toBeGreaterThan(0)
    expect(FULL_REPLY.startsWith(midway!.content!)).toBe(true)
    expect((await messagesIn(conversation))[1]).toMatchObject({ status: 'done', content: FULL_REPLY })
  })

  it('regenerates an answer in place of the old one', async () => {
    const gina = await customer()
    const first = await chat('send', { model: DEMO_MODEL_NAME, content: 'One' }, gina)
    const again = await chat('regenerate', { message: first.done.id }, gina)
    expect(again.of('title')).toHaveLength(1)
    expect(again.of('user')[0]!.message.id).toBe(first.of('user')[0]!.message.id)
    const messages = await messagesIn(first.conversation.id)
    expect(messages.map((m) => m.id)).toEqual([first.of('user')[0]!.message.id, again.done.id])
    expect(again.done.id).not.toBe(first.done.id)
    const refused = await post('regenerate', { message: first.of('user')[0]!.message.id }, gina)
    expect(refused.status).toBe(400)
  })

  it('edits a question, dropping everything after it, and answers again', async () => {
    const hugo = await customer()
    const first = await chat('send', { model: DEMO_MODEL_NAME, content: 'First question' }, hugo)
    const second = await chat('send', { conversation: first.conversation.id, content: 'Second question' }, hugo)
    expect(second.of('title')).toHaveLength(0)
    expect(await messagesIn(first.conversation.id)).toHaveLength(4)
    const question = first.of('user')[0]!.message
    const edited = await chat('edit', { message: question.id, content: 'Edited question' }, hugo)
    expect(edited.of('user')[0]!.message).toMatchObject({ id: question.id, content: 'Edited question' })
    expect(edited.done.content).toContain('Edited question')
    const messages = await messagesIn(first.conversation.id)
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Edited question'],
      ['assistant', edited.done.content],
    ])
  })
})

describe('conversations', () => {
  it("keeps one customer's conversations from another everywhere", async () => {
    const owner = await customer()
    const other = await customer()
    const { conversation, done, of } = await chat('send', { model: DEMO_MODEL_NAME, content: 'Private' }, owner)
    const headers = { authorization: `JWT ${other.token}` }
    expect([403, 404]).toContain((await rest(server.baseUrl, `/api/conversations/${conversation.id}`, { headers })).status)
    expect((await rest(server.baseUrl, '/api/conversations', { headers })).body.docs).toEqual([])
    expect((await rest(server.baseUrl, `/api/messages?where[conversation][equals]=${conversation.id}`, { headers })).body.docs).toEqual([])
    expect([403, 404]).toContain((await rest(server.baseUrl, `/api/messages/${done.id}`, { headers })).status)
    expect([403, 404]).toContain((await rest(server.baseUrl, `/api/conversations/${conversation.id}`, { method: 'PATCH', headers, body: JSON.stringify({ title: 'x' }) })).status)
    expect([403, 404]).toContain((await rest(server.baseUrl, `/api/conversations/${conversation.id}`, { method: 'DELETE', headers })).status)
    expect((await rest(server.baseUrl, `/api/chat/conversations/${conversation.id}/export?format=md`, { headers })).status).toBe(404)
    expect((await post('send', { conversation: conversation.id, content: 'x' }, other)).status).toBe(404)
    expect((await post('regenerate', { message: done.id }, other)).status).toBe(404)
    expect((await post('edit', { message: of('user')[0]!.message.id, content: 'x' }, other)).status).toBe(404)
    expect((await rest(server.baseUrl, `/api/messages/${done.id}`, { method: 'PATCH', token: owner.token, body: JSON.stringify({ content: 'forged' }) })).status).toBe(403)
    expect(await messagesIn(conversation.id)).toHaveLength(2)
    const mine = await rest(server.baseUrl, `/api/messages?where[conversation][equals]=${conversation.id}&sort=createdAt`, { token: owner.token })
    expect(mine.body.docs.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant'])
  })

  it('renames and deletes through REST, deleting the messages too', async () => {
    const ivy = await customer()
    const { conversation } = await chat('send', { model: DEMO_MODEL_NAME, content: 'Delete me' }, ivy)
    const renamed = await rest(server.baseUrl, `/api/conversations/${conversation.id}`, { method: 'PATCH', token: ivy.token, body: JSON.stringify({ title: 'Renamed', systemRole: 'Be brief.' }) })
    expect(renamed.status).toBe(200)
    expect(renamed.body.doc).toMatchObject({ title: 'Renamed', systemRole: 'Be brief.' })
    expect((await rest(server.baseUrl, `/api/conversations/${conversation.id}`, { method: 'DELETE', token: ivy.token })).status).toBe(200)
    expect(await messagesIn(conversation.id)).toHaveLength(0)
    expect(await countFor(ivy.id)).toEqual({ conversations: 0, messages: 0 })
  })

  it('exports as Markdown and JSON files', async () => {
    const jack = await customer()
    const { conversation, done } = await chat('send', { model: DEMO_MODEL_NAME, content: '导出 this chat', systemRole: 'You are terse.' }, jack)
    const md = await rest(server.baseUrl, `/api/chat/conversations/${conversation.id}/export?format=md`, { token: jack.token })
    expect(md.status).toBe(200)
    expect(md.headers.get('content-type')).toContain('text/markdown')
    expect(md.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.md"; filename\*=UTF-8''/)
    expect(md.text).toContain('## User\n\n导出 this chat')
    expect(md.text).toContain('> System: You are terse.')
    expect(md.text).toContain(done.content)
    const json = await rest(server.baseUrl, `/api/chat/conversations/${conversation.id}/export?format=json`, { token: jack.token })
    expect(json.headers.get('content-disposition')).toContain('.json')
    expect(json.body).toMatchObject({ id: conversation.id, systemRole: 'You are terse.' })
    expect(json.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', '导出 this chat'],
      ['assistant', done.content],
    ])
    expect((await rest(server.baseUrl, `/api/chat/conversations/${conversation.id}/export?format=pdf`, { token: jack.token })).status).toBe(400)
  })
})

describe('models, config and templates', () => {
  it('lists the chat models with the default first, free and covered by an active plan', async () => {
    const kate = await customer()
    const resource = await server.payload.create({ collection: 'plan-resources', data: { name: 'r', models: ['priced-*'], meter: 'requests', limit: 10 } })
    const plan = await server.payload.create({ collection: 'plans', data: { name: `Plan ${randomUUID()}`, resources: [resource.id], periodUnit: 'months', periodLength: 1, quantityMultiplier: 1 } })
    await money.transaction((tx) => grantPlan(tx, { ownerId: kate.id, planId: plan.id, source: 'staff' }))
    const { status, body } = await rest(server.baseUrl, '/api/chat/models', { token: kate.token })
    expect(status).toBe(200)
    const models = body.models as Record<string, any>[]
    expect(models[0]).toMatchObject({ name: DEMO_MODEL_NAME, default: true, free: true, covered: false, contextWindow: 32768, kind: 'chat' })
    expect(models.map((m) => m.name)).not.toContain('embed-1')
    expect(models.filter((m) => m.default)).toHaveLength(1)
    expect(models.find((m) => m.name === 'priced-chat')).toMatchObject({
      covered: true,
      free: false,
      vision: true,
      contextWindow: 8000,
      prices: { input: 0, output: 0, cachedInput: 0, request: 1000, perThousandCharacters: 0 },
    })
    expect(models.find((m) => m.name === 'slow-chat')).toMatchObject({ covered: false, contextWindow: null, vision: false })
    const stranger = await customer()
    const theirs = await rest(server.baseUrl, '/api/chat/models', { token: stranger.token })
    expect(theirs.body.models.find((m: { name: string }) => m.name === 'priced-chat').covered).toBe(false)
    expect((await rest(server.baseUrl, '/api/chat/models')).status).toBe(401)
  })

  it('serves the public config', async () => {
    const { status, body } = await rest(server.baseUrl, '/api/chat/config')
    expect(status).toBe(200)
    expect(body).toMatchObject({ methods: { email: true, phone: false, wechat: false }, registrationOpen: true, currency: 'CNY', channels: [] })
    expect(body.topUpPresets.length).toBeGreaterThan(0)
    expect(body.minimumTopUp).toBe(10_000_000)
  })

  it('seeds the writing templates once, readable by signed-in customers only', async () => {
    const leo = await customer()
    expect(await seedPromptTemplates(server.payload)).toBe(0)
    const { status, body } = await rest(server.baseUrl, '/api/prompt-templates?sort=order&limit=100', { token: leo.token })
    expect(status).toBe(200)
    expect(body.docs).toHaveLength(14)
    expect(body.docs.map((d: { title: string }) => d.title)).toEqual(TEMPLATES.map((t) => t.title))
    for (const doc of body.docs) {
      const names = doc.variables.map((v: { name: string }) => v.name)
      expect(names.length).toBeGreaterThan(0)
      for (const name of names) expect(doc.userPrompt).toContain(`{{${name}}}`)
    }
    expect((await rest(server.baseUrl, '/api/prompt-templates')).status).toBe(403)
    expect((await rest(server.baseUrl, '/api/prompt-templates', { method: 'POST', token: leo.token, body: JSON.stringify({ title: 'x', userPrompt: 'y' }) })).status).toBe(403)
  })
})

describe('titles', () => {
  it('keeps the first words of the question when the title model fails', async () => {
    const mia = await customer()
    const down = await platformWithKeys(server.payload, 'Down', upstream.baseUrl, ['sk-down'])
    await addModel(server.payload, 'broken-titles', down, { titleModel: true })
    const { docs } = await server.payload.find({ collection: 'models', where: { name: { equals: DEMO_MODEL_NAME } } })
    await server.payload.update({ collection: 'models', id: docs[0]!.id, data: { titleModel: false } })
    await catalogSettled(server)

    const { of, conversation } = await chat('send', { model: DEMO_MODEL_NAME, content: 'What makes the tides rise and fall twice a day?' }, mia)
    expect(of('done')).toHaveLength(1)
    expect(of('title')).toHaveLength(0)
    const saved = await server.payload.findByID({ collection: 'conversations', id: conversation.id })
    expect(saved.title).toBe('What makes the tides rise and fall twic…')
    const logs = await logsOf(mia.id)
    expect(logs.map((l) => [l.model, l.status])).toEqual([
      [DEMO_MODEL_NAME, 'success'],
      ['broken-titles', 'error'],
    ])
  })
})
