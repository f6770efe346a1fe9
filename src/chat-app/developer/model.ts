/** What the developer page writes out for people to paste. */

/** Where OpenAI clients point: this site's `/v1`. */
export const relayBaseUrl = (origin: string) => `${origin.replace(/\/+$/, '')}/v1`

/** A shell command that asks `model` one question through the relay, in the form OpenAI's docs use. */
export function curlExample(baseUrl: string, model: string, key: string): string {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] })
  // Single quotes are the shell's; one inside the body closes and reopens them.
  const quoted = `'${body.replace(/'/g, `'\\''`)}'`
  return [`curl ${baseUrl}/chat/completions \\`, `  -H "Content-Type: application/json" \\`, `  -H "Authorization: Bearer ${key}" \\`, `  -d ${quoted}`].join('\n')
}
