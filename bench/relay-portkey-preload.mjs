/**
 * Preloaded (`node --import`) into the Portkey gateway's process by the relay benchmark.
 *
 * 1. Loopback only: Portkey's start script listens on every interface and takes no host option,
 *    so a listen() without an explicit host binds 127.0.0.1 instead.
 * 2. Streams: Portkey 1.15.2 answers every stream with 500 "Something went wrong"
 *    (`TypeError: immutable` in ResponseService.updateHeaders) when npm resolves its
 *    `@hono/node-server` dependency to a release newer than 1.14.2, which it does today
 *    (Portkey-AI/gateway#1389, open). Portkey appends its headers to the upstream fetch
 *    Response's headers, which are immutable. The smallest fix from outside: hand Portkey stream
 *    responses whose headers are a mutable copy. Non-stream responses are left untouched.
 */
import net from 'node:net'

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  else if (args[0] && typeof args[0] === 'object' && !('host' in args[0]) && !('path' in args[0])) args[0] = { ...args[0], host: '127.0.0.1' }
  return listen.apply(this, args)
}

const NativeResponse = globalThis.Response
const nativeFetch = globalThis.fetch
globalThis.fetch = async function fetch(input, init) {
  const response = await nativeFetch(input, init)
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response
  return new NativeResponse(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) })
}
