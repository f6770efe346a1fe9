import ipaddr from 'ipaddr.js'

/**
 * Whether `ip` is in `list` (addresses or CIDR ranges, IPv4 or IPv6); an empty list allows every
 * address. Used for API keys' allow-lists and the admin panel's.
 */
export function addressAllowed(list: readonly string[], ip: string): boolean {
  if (list.length === 0) return true
  let address: ipaddr.IPv4 | ipaddr.IPv6
  try {
    address = ipaddr.process(ip)
  } catch {
    return false
  }
  return list.some((entry) => {
    try {
      let [range, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.process(entry), undefined]
      // Clients' IPv4-mapped addresses are compared as IPv4, so such ranges must be too.
      if (range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits !== undefined && bits >= 96) {
        ;[range, bits] = [(range as ipaddr.IPv6).toIPv4Address(), bits - 96]
      }
      const target = range.kind() === address.kind() ? address : null
      if (!target) return false
      return bits === undefined ? target.toString() === range.toString() : target.match(range, bits)
    } catch {
      return false
    }
  })
}
