import type { AddressInfo } from 'node:net'

import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

import { waitFor } from './rest'

export type Mailbox = {
  port: number
  /** Every mail received so far, parsed. */
  mails: ParsedMail[]
  /** The first mail to `to` whose subject matches, waiting up to `timeoutMs` for it. */
  mailTo: (to: string, subject?: RegExp, timeoutMs?: number) => Promise<ParsedMail>
  /** The first link in a mail's HTML that matches `pattern`. */
  linkIn: (mail: ParsedMail, pattern: RegExp) => string
  close: () => Promise<void>
}

const recipients = (mail: ParsedMail) =>
  [mail.to ?? []].flat().flatMap((group) => group.value.map((address) => address.address?.toLowerCase()))

/** A real SMTP server on a random local port that keeps what it receives, for mail the app sends. */
export async function startMailbox(): Promise<Mailbox> {
  const mails: ParsedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo

  const find = (to: string, subject?: RegExp) => mails.find((m) => recipients(m).includes(to.toLowerCase()) && (!subject || subject.test(m.subject ?? '')))
  return {
    port,
    mails,
    async mailTo(to, subject, timeoutMs = 10_000) {
      await waitFor(async () => Boolean(find(to, subject)), { timeoutMs })
      const mail = find(to, subject)
      if (!mail) throw new Error(`no mail to ${to}${subject ? ` matching ${subject}` : ''}; received: ${mails.map((m) => m.subject).join(', ')}`)
      return mail
    },
    linkIn(mail, pattern) {
      const links = [...String(mail.html || '').matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&#38;/g, '&'))
      const link = links.find((href) => pattern.test(href))
      if (!link) throw new Error(`no link matching ${pattern} in "${mail.subject}"`)
      return link
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
