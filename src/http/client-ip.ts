import type { NextFunction, Request, Response } from 'express'

/**
 * Next's route handlers cannot see the socket, so the express layer resolves the client address
 * once (honouring TRUST_PROXY through express's `trust proxy`) and hands it on in this header.
 * Any copy of the header sent by a client is dropped first, so it cannot be forged.
 */
export const CLIENT_IP_HEADER = 'x-modelgate-client-ip'

export function clientIpHeader(req: Request, _res: Response, next: NextFunction) {
  delete req.headers[CLIENT_IP_HEADER]
  const ip = req.ip ?? req.socket.remoteAddress
  if (ip) req.headers[CLIENT_IP_HEADER] = ip.replace(/^::ffff:/, '')
  next()
}
