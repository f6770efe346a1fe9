/** `gpt-4-gizmo-*` style names: `*` matches any run of characters, everything else literally. */
export function isWildcard(pattern: string): boolean {
  return pattern.includes('*')
}

export function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`)
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => (isWildcard(p) ? wildcardToRegExp(p).test(name) : p === name))
}
