/** Small REST client for suites that talk to a server only over HTTP (e.g. a child process). */

export type Rest = {
  status: number
  text: string
  body: Record<string, any>
  headers: Headers
}

export async function rest(baseUrl: string, path: string, init: RequestInit & { token?: string } = {}): Promise<Rest> {
  const { token, headers, ...rest } = init
  const res = await fetch(`${baseUrl}${path}`, {
    ...rest,
    headers: {
      ...(rest.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `JWT ${token}` } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  })
  const text = await res.text()
  let body: Record<string, any> = {}
  if (/^\s*[{[]/.test(text)) {
    try {
      body = JSON.parse(text) as Record<string, any>
    } catch {
      // Not JSON after all: callers read `text`.
    }
  }
  return { status: res.status, text, body, headers: res.headers }
}

export async function login(baseUrl: string, collection: 'admins' | 'users', email: string, password: string): Promise<string> {
  const res = await rest(baseUrl, `/api/${collection}/login`, { method: 'POST', body: JSON.stringify({ email, password }) })
  if (res.status !== 200 || typeof res.body.token !== 'string') throw new Error(`sign-in of ${email} failed: ${res.status} ${res.text}`)
  return res.body.token as string
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns how long it took, or null. */
export async function waitFor(check: () => Promise<boolean>, { timeoutMs = 2_000, intervalMs = 25 } = {}): Promise<number | null> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started >= timeoutMs) return null
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
