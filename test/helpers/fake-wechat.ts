import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { wechatSignature } from '../../src/auth/wechat/signature'
import { rest, type Rest } from './rest'

/**
 * A local stand-in for WeChat's Official Account API (`/cgi-bin/token`, `/cgi-bin/qrcode/create`),
 * answering and refusing as WeChat does, plus WeChat's side of our callback: signed calls to the
 * server URL. The signature algorithm itself is pinned by test/unit/wechat.test.ts.
 */
export type FakeWechat = {
  baseUrl: string
  appId: string
  appSecret: string
  /** Access tokens handed out so far. */
  tokenRequests: number
  /** QR code requests, including refused ones, with the errcode they got (0 when answered). */
  qrRequests: { scene: string; expireSeconds: number; errcode: number }[]
  /** Retires every access token handed out, as when another server asked for a new one. */
  retireTokens: () => void
  close: () => Promise<void>
}

const INVALID_TOKEN = { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest rid: fake' }

function json(res: ServerResponse, body: unknown) {
  // WeChat answers its errors with 200 too; only errcode tells.
  res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>
  } catch {
    return {}
  }
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const live = new Set<string>()
  const fake: FakeWechat = {
    baseUrl: '',
    appId: 'wx0123456789abcdef',
    appSecret: randomBytes(16).toString('hex'),
    tokenRequests: 0,
    qrRequests: [],
    retireTokens: () => live.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
      if (url.searchParams.get('grant_type') !== 'client_credential') return json(res, { errcode: 40002, errmsg: 'invalid grant_type' })
      if (url.searchParams.get('appid') !== fake.appId) return json(res, { errcode: 40013, errmsg: 'invalid appid' })
      if (url.searchParams.get('secret') !== fake.appSecret) return json(res, { errcode: 40125, errmsg: 'invalid appsecret' })
      fake.tokenRequests++
      const token = randomBytes(32).toString('base64url')
      live.add(token)
      return json(res, { access_token: token, expires_in: 7200 })
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/qrcode/create') {
      const body = await readJson(req)
      const scene = String(body.action_info?.scene?.scene_str ?? '')
      const expireSeconds = Number(body.expire_seconds)
      const valid = live.has(url.searchParams.get('access_token') ?? '')
      fake.qrRequests.push({ scene, expireSeconds, errcode: valid ? 0 : INVALID_TOKEN.errcode })
      if (!valid) return json(res, INVALID_TOKEN)
      if (body.action_name !== 'QR_STR_SCENE' || !scene || scene.length > 64) return json(res, { errcode: 40053, errmsg: 'invalid action info' })
      const ticket = `gQ${randomBytes(24).toString('base64')}==`
      return json(res, { ticket, expire_seconds: expireSeconds, url: `http://weixin.qq.com/q/${randomBytes(8).toString('hex')}` })
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

/** The query WeChat adds to every call to the server URL, signed with `token`. */
export function signedQuery(token: string, timestamp = Math.floor(Date.now() / 1000)): URLSearchParams {
  const nonce = String(randomBytes(4).readUInt32BE())
  return new URLSearchParams({ signature: wechatSignature(token, String(timestamp), nonce), timestamp: String(timestamp), nonce })
}

export type ScanEvent = {
  /** `subscribe`: the scan made them follow the account; `SCAN`: they already followed it. */
  event: 'subscribe' | 'SCAN'
  openId: string
  scene: string
  ticket?: string
  /** Seconds since the epoch the call is signed at; now when left out. */
  timestamp?: number
}

/** Posts a QR scan to our server URL as WeChat does: event XML, signed query, plaintext mode. */
export function postScan(callbackUrl: string, token: string, scan: ScanEvent): Promise<Rest> {
  const key = scan.event === 'subscribe' ? `qrscene_${scan.scene}` : scan.scene
  const xml =
    `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[${scan.openId}]]></FromUserName>` +
    `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${scan.event}]]></Event>` +
    `<EventKey><![CDATA[${key}]]></EventKey><Ticket><![CDATA[${scan.ticket ?? ''}]]></Ticket></xml>`
  const query = signedQuery(token, scan.timestamp)
  query.set('openid', scan.openId)
  const url = new URL(callbackUrl)
  return rest(url.origin, `${url.pathname}?${query}`, { method: 'POST', body: xml, headers: { 'content-type': 'text/xml' } })
}
