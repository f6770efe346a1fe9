/** The error body every OpenAI SDK understands: `{"error":{"message","type","code","param"}}`. */
export type OpenAIErrorBody = {
  error: { message: string; type: string; code: string | null; param: string | null }
}

export function openAIError(
  message: string,
  type = 'invalid_request_error',
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, code, param } }
}
