import { authenticator } from 'otplib'

import { rest } from './rest'

/**
 * A code `steps` 30-second steps from now. A code works once and never after a later one, so an
 * account's successive uses take successive steps (−1, 0, +1 are all valid now).
 */
export const codeAt = (secret: string, steps: number) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret)

/** A well-formed code that is not valid now (nor a step either side). */
export function wrongCodeFor(secret: string): string {
  const valid = [-1, 0, 1].map((steps) => codeAt(secret, steps))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!valid.includes(code)) return code
  }
}

/** Turns a signed-in customer's second factor on through the API; answers the secret. Uses the previous step's code. */
export async function enableSecondFactor(baseUrl: string, token: string): Promise<string> {
  const setup = await rest(baseUrl, '/api/users/second-factor/setup', { method: 'POST', token, body: '{}' })
  const secret = setup.body.secret as string
  const enable = await rest(baseUrl, '/api/users/second-factor/enable', { method: 'POST', token, body: JSON.stringify({ code: codeAt(secret, -1) }) })
  if (enable.status !== 200) throw new Error(`enabling the second factor answered ${enable.status}: ${enable.text}`)
  return secret
}
