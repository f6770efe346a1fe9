import { Router } from 'express'

import { openAIError } from './errors'

/**
 * `/v1/*` belongs to the relay. Until its endpoints land every path answers 404 in OpenAI's error
 * shape, so SDK clients see a clear error rather than an HTML page from Next.
 */
export function relayRouter() {
  const router = Router()
  router.use((req, res) => {
    res
      .status(404)
      .json(openAIError(`Unknown API route: ${req.method} /v1${req.path}`, 'invalid_request_error', 'not_found'))
  })
  return router
}
