/** The operator's password rules (sign-in settings), checked wherever a password is set. */
export type PasswordPolicy = { minLength?: number | null; requireLetter?: boolean | null; requireDigit?: boolean | null; requireSymbol?: boolean | null }

/** What is wrong with `password` under `policy`, in words for the person choosing it; null when it passes. */
export function passwordProblem(password: string, policy: PasswordPolicy): string | null {
  const missing: string[] = []
  const minLength = policy.minLength ?? 8
  if (password.length < minLength) missing.push(`at least ${minLength} characters`)
  if (policy.requireLetter && !/\p{L}/u.test(password)) missing.push('a letter')
  if (policy.requireDigit && !/\d/.test(password)) missing.push('a digit')
  if (policy.requireSymbol && !/[^\p{L}\d]/u.test(password)) missing.push('a symbol')
  return missing.length ? `The password needs ${missing.join(', ')}.` : null
}

/** The domain part of an address, lower-cased. */
export const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase()

/** Whether sign-up accepts `email` under the allow-list (MAIL_WHITE_LIST); an empty list allows all. */
export function emailDomainAllowed(email: string, allowed: readonly string[] | null | undefined): boolean {
  if (!allowed?.length) return true
  const domain = emailDomain(email)
  return allowed.some((entry) => entry.trim().toLowerCase().replace(/^@/, '') === domain)
}
