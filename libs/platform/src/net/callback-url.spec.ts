import type { LookupAddress } from 'node:dns';
import {
  CallbackUrlRefusedError,
  checkCallbackUrl,
  checkedLookup,
  parseAllowHosts,
  type Resolver,
} from './callback-url';
import { blockedAddressReason } from './public-address';

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.0.0.1', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.254', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['fc00::1', 'a private address'],
    ['fd12:3456::1', 'a private address'],
    ['169.254.1.1', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['100.127.255.255', 'a carrier-grade NAT address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['::ffff:127.0.0.1', 'a loopback address (127.0.0.1)'],
    ['::ffff:7f00:1', 'a loopback address (127.0.0.1)'],
    ['::FFFF:10.1.2.3', 'a private address (10.1.2.3)'],
    ['::ffff:169.254.169.254', 'a cloud metadata address (169.254.169.254)'],
    ['64:ff9b::a00:1', 'a private address (10.0.0.1)'],
    ['localhost', 'not an IP address'],
  ])('refuses %s as %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('lets the public address %s through', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });
});

/** A resolver answering from a table, as DNS would; unknown hosts fail like getaddrinfo. */
function resolverOf(table: Record<string, string[]>): Resolver {
  return (host) => {
    const addresses = table[host];
    return addresses ? Promise.resolve(addresses) : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`));
  };
}

const none = new Set<string>();
const dns = resolverOf({
  'hooks.example.com': ['93.184.216.34', '2606:4700::1111'],
  localhost: ['127.0.0.1', '::1'],
  'split.example.com': ['93.184.216.34', '10.0.0.7'],
  'metadata.example.com': ['169.254.169.254'],
});

async function reasonFor(url: string, allow: ReadonlySet<string> = none): Promise<string | null> {
  try {
    await checkCallbackUrl(new URL(url), allow, dns);
    return null;
  } catch (error) {
    if (error instanceof CallbackUrlRefusedError) return error.reason;
    throw error;
  }
}

describe('checkCallbackUrl', () => {
  it.each([
    ['http://10.0.0.1/', 'host 10.0.0.1 is a private address'],
    ['http://127.0.0.1:8080/hook', 'host 127.0.0.1 is a loopback address'],
    // The URL parser reads these IPv4 forms as 127.0.0.1 before anything else sees them.
    ['http://2130706433/', 'host 127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', 'host 127.0.0.1 is a loopback address'],
    ['http://017700000001/', 'host 127.0.0.1 is a loopback address'],
    ['http://127.1/', 'host 127.0.0.1 is a loopback address'],
    ['http://[::1]/', 'host ::1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', 'host ::ffff:7f00:1 is a loopback address (127.0.0.1)'],
    ['http://169.254.169.254/latest/meta-data', 'host 169.254.169.254 is a cloud metadata address'],
    ['http://localhost:3000/', 'host localhost resolves to 127.0.0.1, a loopback address'],
    ['http://LOCALHOST./', 'host localhost resolves to 127.0.0.1, a loopback address'],
    ['https://split.example.com/', 'host split.example.com resolves to 10.0.0.7, a private address'],
    [
      'https://metadata.example.com/',
      'host metadata.example.com resolves to 169.254.169.254, a cloud metadata address',
    ],
    [
      'https://nowhere.example.com/',
      'host nowhere.example.com could not be resolved (getaddrinfo ENOTFOUND nowhere.example.com)',
    ],
  ])('refuses %s', async (url, reason) => {
    expect(await reasonFor(url)).toBe(reason);
  });

  it('accepts a host whose every address is public', async () => {
    expect(await reasonFor('https://hooks.example.com/ultra')).toBeNull();
    expect(await reasonFor('http://93.184.216.34/')).toBeNull();
  });

  it('skips the checks for an allow-listed host only, compared as the URL parser writes it', async () => {
    const allow = parseAllowHosts(' 127.0.0.1 , ::1,Hooks.Internal. ');
    expect([...allow]).toEqual(['127.0.0.1', '::1', 'hooks.internal']);
    expect(await reasonFor('http://127.0.0.1:9/', allow)).toBeNull();
    expect(await reasonFor('http://2130706433/', allow)).toBeNull();
    expect(await reasonFor('http://[::1]/', allow)).toBeNull();
    // Allowing an address does not allow the names that resolve to it.
    expect(await reasonFor('http://localhost/', allow)).toBe(
      'host localhost resolves to 127.0.0.1, a loopback address',
    );
  });
});

/** Calls a lookup function the way Node's net module does, and reports what it answered. */
function lookUp(
  lookup: ReturnType<typeof checkedLookup>,
  host: string,
  options: { all?: boolean; family?: number },
): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) =>
    lookup(host, options, (error, address, family) => resolve({ error, address, family })),
  );
}

describe('checkedLookup', () => {
  it('answers with the checked addresses, in both forms Node asks for', async () => {
    const lookup = checkedLookup(dns);
    expect(await lookUp(lookup, 'hooks.example.com', {})).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    expect(await lookUp(lookup, 'hooks.example.com', { all: true })).toMatchObject({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
    });
    expect(await lookUp(lookup, 'hooks.example.com', { family: 6 })).toMatchObject({ address: '2606:4700::1111' });
  });

  it('refuses a host that now resolves to a private address, so no connection is made to it', async () => {
    const lookup = checkedLookup(resolverOf({ 'hooks.example.com': ['10.0.0.1'] }));
    const { error } = await lookUp(lookup, 'hooks.example.com', { all: true });
    expect(error).toBeInstanceOf(CallbackUrlRefusedError);
    expect(error?.message).toBe('host hooks.example.com resolves to 10.0.0.1, a private address');
  });

  it('passes on a resolver failure', async () => {
    const { error } = await lookUp(checkedLookup(dns), 'nowhere.example.com', {});
    expect(error?.message).toBe('getaddrinfo ENOTFOUND nowhere.example.com');
  });
});
