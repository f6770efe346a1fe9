/**
 * The few calls of WeChat's Official Account API that scan-to-follow sign-in needs: an access
 * token, and a temporary QR code carrying a scene.
 */

/** The account's API credentials, with the AppSecret already opened. */
export type WechatAccount = { apiBaseUrl: string; appId: string; appSecret: string }

export type WechatQrCode = { ticket: string; url: string; expireSeconds: number; imageUrl: string }

/** WeChat answered with an errcode other than 0. */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat refused the request: ${errmsg} (errcode ${errcode})`)
  }
}

/** Invalid or expired access token: another server took a new one, or it ran out early. */
const STALE_TOKEN = new Set([40001, 42001])

/** A token is used until this long before WeChat's expiry, so none is sent as it runs out. */
const EARLY_REFRESH_SECONDS = 300

const REQUEST_TIMEOUT_MS = 10_000

/** Where a ticket's QR image is served; the same for every account, whatever the API base URL. */
const SHOW_QR_URL = 'https://mp.weixin.qq.com/cgi-bin/showqrcode'

/** `value` once the request in flight has answered. */
type CachedToken = { token: Promise<string>; value?: string; expiresAt: number }

/**
 * Access tokens by account. WeChat allows 2,000 token requests a day and each new token retires
 * the previous one after five minutes, so one is kept per process until shortly before it expires
 * (concurrent callers share the request in flight).
 */
const tokens = new Map<string, CachedToken>()

const cacheKey = (account: WechatAccount) => [account.apiBaseUrl, account.appId, account.appSecret].join('\n')

async function call(account: WechatAccount, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(path, account.apiBaseUrl.replace(/\/*$/, '/')), { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  if (!res.ok) throw new Error(`WeChat answered ${res.status} to ${path.split('?')[0]}`)
  const body = (await res.json()) as Record<string, unknown>
  if (typeof body.errcode === 'number' && body.errcode !== 0) throw new WechatApiError(body.errcode, String(body.errmsg ?? ''))
  return body
}

async function fetchToken(account: WechatAccount): Promise<{ token: string; expiresIn: number }> {
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: account.appId, secret: account.appSecret })
  const body = await call(account, `cgi-bin/token?${query}`)
  if (typeof body.access_token !== 'string') throw new Error('WeChat answered the token request without an access_token.')
  return { token: body.access_token, expiresIn: Number(body.expires_in) || 7200 }
}

function accessToken(account: WechatAccount): Promise<string> {
  const key = cacheKey(account)
  const cached = tokens.get(key)
  if (cached && cached.expiresAt > Date.now()) return cached.token
  const entry: CachedToken = { token: Promise.resolve(''), expiresAt: Infinity }
  entry.token = fetchToken(account).then(
    ({ token, expiresIn }) => {
      entry.value = token
      entry.expiresAt = Date.now() + Math.max(expiresIn - EARLY_REFRESH_SECONDS, expiresIn / 2) * 1000
      return token
    },
    (error: unknown) => {
      if (tokens.get(key) === entry) tokens.delete(key)
      throw error
    },
  )
  tokens.set(key, entry)
  return entry.token
}

/** Calls `work` with the access token; when WeChat calls the token stale, once more with a new one. */
async function withAccessToken<T>(account: WechatAccount, work: (token: string) => Promise<T>): Promise<T> {
  const token = await accessToken(account)
  try {
    return await work(token)
  } catch (error) {
    if (!(error instanceof WechatApiError && STALE_TOKEN.has(error.errcode))) throw error
    const key = cacheKey(account)
    // A concurrent caller may have replaced it already; only the token that failed is dropped.
    if (tokens.get(key)?.value === token) tokens.delete(key)
    return work(await accessToken(account))
  }
}

/** A temporary QR code whose scan WeChat reports to our server URL with `scene`. */
export async function createSceneQrCode(account: WechatAccount, scene: string, expireSeconds: number): Promise<WechatQrCode> {
  const body = await withAccessToken(account, (token) =>
    call(account, `cgi-bin/qrcode/create?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expire_seconds: expireSeconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene } } }),
    }),
  )
  if (typeof body.ticket !== 'string') throw new Error('WeChat answered the QR request without a ticket.')
  return {
    ticket: body.ticket,
    url: String(body.url ?? ''),
    expireSeconds: Number(body.expire_seconds) || expireSeconds,
    imageUrl: `${SHOW_QR_URL}?ticket=${encodeURIComponent(body.ticket)}`,
  }
}
