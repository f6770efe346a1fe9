import type { PayloadRequest } from 'payload'

/** The address people reach this server at: PUBLIC_URL, else the request's own origin. */
export function publicBaseUrl(req: PayloadRequest): string {
  const configured = req.payload.config.serverURL
  if (configured) return configured.replace(/\/$/, '')
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? 'localhost:3000'
  const proto = req.headers.get('x-forwarded-proto') ?? 'http'
  return `${proto}://${host}`
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A short mail with one button; `text` says the same for clients that show plain text. */
export function mailBody(lines: string[], action: { label: string; url: string }): string {
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')
  const url = escapeHtml(action.url)
  return `<!doctype html><html><body style="font-family:sans-serif">${paragraphs}<p><a href="${url}">${escapeHtml(action.label)}</a></p><p style="color:#666">${url}</p></body></html>`
}

type TokenMailArgs = { req?: PayloadRequest; token?: string; user?: { email?: string | null } }

/** The mails Payload sends customers: the verification link opens /api/users/verify-email/<token>. */
export const customerMail = {
  verify: {
    generateEmailSubject: () => 'Confirm your email address',
    generateEmailHTML: ({ req, token }: TokenMailArgs) =>
      mailBody(['Welcome! Confirm your email address to start using your account.'], {
        label: 'Confirm my email',
        url: `${publicBaseUrl(req!)}/api/users/verify-email/${token}`,
      }),
  },
  forgotPassword: {
    generateEmailSubject: () => 'Reset your password',
    generateEmailHTML: (args?: TokenMailArgs) =>
      mailBody(['Someone asked to reset the password of your account. If it was not you, ignore this mail.'], {
        label: 'Choose a new password',
        url: `${publicBaseUrl(args!.req!)}/reset-password?token=${args!.token}`,
      }),
  },
}

/** Set in `context` while inviting a staff member: the reset mail then reads as an invitation. */
export const STAFF_INVITE = 'modelgate.staffInvite'

/** Staff mails: a reset link, or the same link as an invitation to choose a first password. */
export const staffMail = {
  forgotPassword: {
    generateEmailSubject: (args?: TokenMailArgs) =>
      args?.req?.context[STAFF_INVITE] ? 'You are invited to the Modelgate back office' : 'Reset your back-office password',
    generateEmailHTML: (args?: TokenMailArgs) => {
      const url = `${publicBaseUrl(args!.req!)}/admin/reset/${args!.token}`
      return args?.req?.context[STAFF_INVITE]
        ? mailBody(['You have been invited to the back office. Choose a password to sign in; the link works for 72 hours.'], { label: 'Choose my password', url })
        : mailBody(['Someone asked to reset your back-office password. If it was not you, ignore this mail.'], { label: 'Choose a new password', url })
    },
  },
}
