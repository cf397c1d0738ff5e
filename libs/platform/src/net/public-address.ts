import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

/**
 * Address ranges a server-side request (a webhook) must never reach, by the reason given to the user. Metadata comes
 * first so that 169.254.169.254 is named for what it is rather than as link-local.
 */
const RANGES: readonly { reason: string; subnets: readonly [string, number, Family][] }[] = [
  {
    reason: 'a cloud metadata address',
    subnets: [
      ['169.254.169.254', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
    ],
  },
  {
    reason: 'an unspecified address',
    subnets: [
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ],
  },
  {
    reason: 'a loopback address',
    subnets: [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  },
  {
    reason: 'a private address',
    subnets: [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ],
  },
  {
    reason: 'a link-local address',
    subnets: [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  },
  { reason: 'a carrier-grade NAT address', subnets: [['100.64.0.0', 10, 'ipv4']] },
  {
    reason: 'a multicast address',
    subnets: [
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ],
  },
  // 240/4 holds the broadcast address; none of it is routable on the internet.
  { reason: 'a reserved address', subnets: [['240.0.0.0', 4, 'ipv4']] },
];

const BLOCKS = RANGES.map(({ reason, subnets }) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return { reason, list };
});

/** IPv6 forms that carry an IPv4 address a connection ends up at: IPv4-mapped (::ffff:a.b.c.d) and NAT64. */
const EMBEDDED_IPV4 = /^(?:::ffff|64:ff9b:):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/** The IPv6 address in its canonical lower-case form (as the URL parser writes it), zone id removed. */
function canonicalIpv6(address: string): string {
  const bare = address.replace(/%.*$/, '');
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}

function embeddedIpv4(ipv6: string): string | null {
  const match = EMBEDDED_IPV4.exec(ipv6);
  if (!match) return null;
  const [high, low] = [Number.parseInt(match[1] ?? '', 16), Number.parseInt(match[2] ?? '', 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Why a server-side request must not go to this IP address (e.g. "a loopback address"), or null for a public one.
 * An address that does not parse as IP is refused too.
 */
export function blockedAddressReason(address: string): string | null {
  const version = isIP(address.replace(/%.*$/, ''));
  if (version === 0) return 'not an IP address';
  if (version === 4) return reasonOf(address, 'ipv4');
  let canonical: string;
  try {
    canonical = canonicalIpv6(address);
  } catch {
    return 'not an IP address';
  }
  // The IPv4 address inside is checked first, so the reason names where the connection would really go.
  const ipv4 = embeddedIpv4(canonical);
  const inside = ipv4 === null ? null : reasonOf(ipv4, 'ipv4');
  if (inside) return `${inside} (${ipv4})`;
  return reasonOf(canonical, 'ipv6');
}

function reasonOf(address: string, family: Family): string | null {
  return BLOCKS.find(({ list }) => list.check(address, family))?.reason ?? null;
}
