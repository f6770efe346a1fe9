import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for an OpenAI-compatible provider, speaking its wire format. How it answers
 * depends on the provider key the relay sends:
 *   sk-good     answers (streams when asked, with usage when stream_options.include_usage)
 *   sk-revoked  401 invalid_api_key          sk-broke  429 insufficient_quota
 *   sk-busy     429 rate limited              sk-down   503
 *   sk-stall    never answers                 sk-slow   streams one piece every 200 ms
 *   sk-drip     streams one piece a second
 */
export type FakeUpstream = {
  baseUrl: string
  requests: { key: string; path: string; body: Record<string, any> }[]
  /** Resolves when the socket of the n-th request (0-based) closes. */
  closedSockets: number[]
  close: () => Promise<void>
}

const STREAM_DELAY_MS: Record<string, number> = { 'sk-slow': 200, 'sk-drip': 1000 }

const REPLY = 'Hello from the fake upstream, streamed in pieces.'

/** Indented, as OpenAI's own API answers. */
function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body, null, 2))
}

function completion(body: Record<string, any>) {
  const toolCall = body.tools?.length
    ? [{ id: 'call_1', type: 'function', function: { name: body.tools[0].function.name, arguments: '{"city":"Paris"}' } }]
    : undefined
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: toolCall ? null : REPLY, ...(toolCall ? { tool_calls: toolCall } : {}) },
        finish_reason: toolCall ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20, prompt_tokens_details: { cached_tokens: 3 } },
  }
}

async function stream(res: ServerResponse, body: Record<string, any>, delayMs: number) {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: body.model }
  const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`)
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })
  for (const piece of REPLY.match(/\S+\s*/g)!) {
    if (res.destroyed) return
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
    send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })
  if (body.stream_options?.include_usage) {
    send({ ...base, choices: [], usage: { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20 } })
  }
  res.end('data: [DONE]\n\n')
}

export async function startFakeOpenAI(): Promise<FakeUpstream> {
  const requests: FakeUpstream['requests'] = []
  const closedSockets: number[] = []
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    const body = raw.startsWith('{') ? JSON.parse(raw) : { multipart: raw, contentType: req.headers['content-type'] }
    const index = requests.push({ key, path: req.url ?? '', body }) - 1
    req.socket.once('close', () => closedSockets.push(index))

    switch (key) {
      case 'sk-revoked':
        return json(res, 401, { error: { message: 'Incorrect API key provided: sk-revo****', type: 'invalid_request_error', code: 'invalid_api_key' } })
      case 'sk-broke':
        return json(res, 429, { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } })
      case 'sk-busy':
        return json(res, 429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } })
      case 'sk-down':
        return json(res, 503, { error: { message: 'The engine is currently overloaded', type: 'server_error' } })
      case 'sk-stall':
        return
    }
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      return json(res, 200, { object: 'list', data: [{ id: 'gpt-upstream', object: 'model', created: 1, owned_by: 'fake' }] })
    }
    if (req.url?.endsWith('/chat/completions')) {
      if (body.stream) return stream(res, body, STREAM_DELAY_MS[key] ?? 0)
      return json(res, 200, completion(body))
    }
    if (req.url?.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input]
      return json(res, 200, {
        object: 'list',
        model: body.model,
        data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
        usage: { prompt_tokens: 5 * inputs.length, total_tokens: 5 * inputs.length },
      })
    }
    if (req.url?.endsWith('/images/generations')) {
      return json(res, 200, { created: 1, data: [{ b64_json: 'iVBORw0KGgo=', revised_prompt: body.prompt }] })
    }
    if (req.url?.endsWith('/audio/transcriptions')) {
      const model = /name="model"\r\n\r\n([^\r]*)/.exec(raw)?.[1]
      const hasFile = /name="file"; filename="/.test(raw)
      return json(res, 200, { text: `transcribed by ${model} (file: ${hasFile})` })
    }
    json(res, 404, { error: { message: `no route ${req.url}` } })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    closedSockets,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
