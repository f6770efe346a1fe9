/**
 * The benchmark's stand-in for an OpenAI-compatible provider, run in its own process. It does as
 * little as it can: POST /v1/chat/completions answers a fixed JSON completion with usage, or, when
 * the body asks for a stream, N SSE chunks, a finish chunk, a usage chunk and `data: [DONE]`.
 *
 * Each streamed content chunk carries its sequence number and the wall-clock time it was written
 * (`<seq>@<ms since BENCH_EPOCH>`), so the load generator can tell a lost chunk and measure how long
 * each chunk spent in the proxy in between. The stream's shape comes from the requested model's
 * name, the one thing every proxy under test passes on unchanged: `bench-s<chunks>-g<gap ms>`, e.g.
 * `bench-s20-g5` is 20 content chunks 5 ms apart (default: 20 chunks back to back).
 *
 * Prints `{"port":N}` on stdout once listening; exits when stdin closes (the parent went away).
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

const EPOCH = Number(process.env.BENCH_EPOCH ?? 0)
const now = () => performance.timeOrigin + performance.now() - EPOCH

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-upstream',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the benchmark upstream.' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
})
const COMPLETION_HEADERS = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) }

const CHUNK_HEAD = 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"delta":{'
const ROLE_CHUNK = `${CHUNK_HEAD}"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`
const FINISH_CHUNK = `${CHUNK_HEAD}},"logprobs":null,"finish_reason":"stop"}]}\n\n`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const SHAPE = /"model"\s*:\s*"bench-s(\d+)-g(\d+)"/

async function stream(body: string, res: ServerResponse) {
  const shape = SHAPE.exec(body)
  const chunks = shape ? Number(shape[1]) : 20
  const gapMs = shape ? Number(shape[2]) : 0
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  res.write(ROLE_CHUNK)
  for (let i = 0; i < chunks; i++) {
    if (gapMs > 0) await sleep(gapMs)
    if (res.destroyed) return
    res.write(`${CHUNK_HEAD}"content":"${i}@${now().toFixed(3)} "},"logprobs":null,"finish_reason":null}]}\n\n`)
  }
  res.write(FINISH_CHUNK)
  res.write(
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-upstream","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${chunks},"total_tokens":${12 + chunks}}}\n\n`,
  )
  res.end('data: [DONE]\n\n')
}

const server = createServer((req, res) => {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' })
      return void res.end('{"error":{"message":"not found"}}')
    }
    // The cheapest look at the body that still honours "stream": true.
    const body = Buffer.concat(parts).toString('utf8')
    if (/"stream"\s*:\s*true/.test(body)) return void stream(body, res)
    res.writeHead(200, COMPLETION_HEADERS)
    res.end(COMPLETION)
  })
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
})
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
process.on('SIGTERM', () => process.exit(0))
