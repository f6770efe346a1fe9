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

/** A refusal or failure the relay answers with, in OpenAI's shape, before or instead of upstream output. */
export class RelayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
  ) {
    super(message)
  }

  body(): OpenAIErrorBody {
    return openAIError(this.message, this.type, this.code, this.param)
  }
}

export const invalidApiKey = (message: string) => new RelayError(401, message, 'invalid_api_key')
export const badRequest = (message: string, param: string | null = null) =>
  new RelayError(400, message, 'invalid_request_error', 'invalid_request_error', param)
