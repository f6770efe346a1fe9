import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for Anthropic's Messages API, speaking its wire format: `x-api-key`
 * `sk-ant-good` answers (streams when asked); any other key gets Anthropic's 401.
 */
export type FakeAnthropic = {
  baseUrl: string
  requests: { headers: Record<string, string | string[] | undefined>; body: Record<string, any> }[]
  close: () => Promise<void>
}

const TEXT = ['Bonjour', ' from', ' the fake', ' Claude.']

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: FakeAnthropic['requests'] = []
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    requests.push({ headers: req.headers, body })
    if (req.headers['x-api-key'] !== 'sk-ant-good') {
      res.writeHead(401, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }))
    }
    const usage = { input_tokens: 12, output_tokens: 6, cache_read_input_tokens: 4, cache_creation_input_tokens: 0 }
    const tool = body.tools?.[0]
    const content = tool
      ? [{ type: 'tool_use', id: 'toolu_01', name: tool.name, input: { city: 'Paris' } }]
      : [{ type: 'text', text: TEXT.join('') }]
    const message = { id: 'msg_fake', type: 'message', role: 'assistant', model: body.model, content, stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null, usage }
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(message))
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const send = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
    send('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } })
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    send('ping', {})
    for (const text of TEXT) send('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })
    send('content_block_stop', { index: 0 })
    send('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } })
    send('message_stop', {})
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
