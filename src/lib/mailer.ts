import nodemailer from 'nodemailer'
import type { EmailAdapter, SendEmailOptions } from 'payload'

import type { AppConfig } from '../config/env'

/**
 * Payload's mail goes through nodemailer to the SMTP server in SMTP_* settings. Without SMTP_HOST
 * mail is written to the log instead, so development needs no mail server.
 */
export function mailAdapter(app: AppConfig): EmailAdapter {
  const transport = app.SMTP_HOST
    ? nodemailer.createTransport({
        host: app.SMTP_HOST,
        port: app.SMTP_PORT,
        secure: app.SMTP_SECURE,
        auth: app.SMTP_USER ? { user: app.SMTP_USER, pass: app.SMTP_PASSWORD ?? '' } : undefined,
        // Local relays often present self-signed certificates.
        tls: { rejectUnauthorized: !app.SMTP_ALLOW_INSECURE_TLS },
      })
    : nodemailer.createTransport({ jsonTransport: true })

  return ({ payload }) => ({
    name: 'nodemailer',
    defaultFromAddress: app.MAIL_FROM,
    defaultFromName: app.MAIL_FROM_NAME,
    sendEmail: async (message: SendEmailOptions) => {
      const from = message.from ?? `"${app.MAIL_FROM_NAME}" <${app.MAIL_FROM}>`
      const info = await transport.sendMail({ ...message, from })
      if (!app.SMTP_HOST) payload.logger.info({ to: message.to, subject: message.subject, text: message.text ?? message.html }, 'mail (SMTP_HOST not set, so not sent)')
      return info
    },
  })
}
