import type { Payload } from 'payload'

import type { SmsProvider } from './provider'

/** Development: nothing is sent, the code is printed in the server log for whoever is testing. */
export function logSms(logger: Payload['logger']): SmsProvider {
  return {
    async send(phone, code) {
      logger.info({ phone, code }, `SMS sign-in code for ${phone}: ${code}`)
    },
  }
}
