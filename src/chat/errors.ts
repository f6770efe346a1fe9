/** A request the chat endpoints refuse before anything is saved or charged: answered as `{errors:[{message, code}]}`. */
export class ChatRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** For rate limits: when to come back. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }
}
