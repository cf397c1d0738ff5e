import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { within } from '../util/within';
import { blockedAddressReason } from './public-address';

/** Every address a hostname resolves to (A and AAAA, in the resolver's order). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const resolveAll: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    );
  });

/** getaddrinfo can hang for a long time on a broken resolver; a submit must not. */
const RESOLVE_TIMEOUT_MS = 5_000;

/** A callback URL the server must not call, with the reason in words the user can act on. */
export class CallbackUrlRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CallbackUrlRefusedError';
  }
}

/** A host as the allow-list compares it: lower case, without IPv6 brackets or a trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** A URL's host as the allow-list compares it, after the URL parser's own normalisation (e.g. 2130706433 → 127.0.0.1). */
export function hostOf(url: URL): string {
  return normalizeHost(url.hostname);
}

/** `WEBHOOK_ALLOW_HOSTS`: comma-separated hostnames or IP addresses written as a URL would write them. */
export function parseAllowHosts(value: string): ReadonlySet<string> {
  const hosts = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => hostOf(new URL(`http://${isIP(entry) === 6 ? `[${entry}]` : entry}/`)));
  return new Set(hosts);
}

/** The configuration fragment both the gateway (checks at submit) and results (checks at delivery) read. */
export const webhookEnv = {
  /** Hosts exempt from the address checks, e.g. 127.0.0.1 for a local receiver. */
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .refine((value) => {
      try {
        parseAllowHosts(value);
        return true;
      } catch {
        return false;
      }
    }, 'must be comma-separated hostnames or IP addresses')
    .transform(parseAllowHosts),
};

/** The same allow-list for the base URLs users give with their own provider keys (gateway at PUT, worker at call). */
export const providerBaseUrlEnv = {
  PROVIDER_BASE_URL_ALLOW_HOSTS: webhookEnv.WEBHOOK_ALLOW_HOSTS,
};

function refuseAll(host: string, addresses: readonly string[]): void {
  if (!addresses.length) throw new CallbackUrlRefusedError(`host ${host} resolves to no address`);
  for (const address of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) throw new CallbackUrlRefusedError(`host ${host} resolves to ${address}, ${reason}`);
  }
}

/**
 * Refuses (CallbackUrlRefusedError) a URL whose host is, or resolves to, an address a server must not call —
 * unless the host is allow-listed. Every resolved address counts: a host with one public and one private address
 * is refused, since a connection may take either. The caller has already checked the scheme and length.
 */
export async function checkCallbackUrl(
  url: URL,
  allowHosts: ReadonlySet<string>,
  resolve: Resolver = resolveAll,
): Promise<void> {
  const host = hostOf(url);
  if (allowHosts.has(host)) return;
  if (isIP(host)) {
    const reason = blockedAddressReason(host);
    if (reason) throw new CallbackUrlRefusedError(`host ${host} is ${reason}`);
    return;
  }
  let addresses: string[];
  try {
    addresses = await within(resolve(host), RESOLVE_TIMEOUT_MS);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new CallbackUrlRefusedError(`host ${host} could not be resolved (${cause})`);
  }
  refuseAll(host, addresses);
}

function familyOf(family: number | 'IPv4' | 'IPv6' | undefined): number {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  return family ?? 0;
}

/**
 * A `lookup` for an HTTP request that connects only to addresses it has just checked: DNS may answer differently
 * at delivery than at submit, so the check and the connection must use the same answer. Handles both forms Node
 * asks for (`all` with happy eyeballs, a single address otherwise).
 */
export function checkedLookup(resolve: Resolver = resolveAll): LookupFunction {
  return (hostname, options, callback) => {
    const host = normalizeHost(hostname);
    resolve(host).then(
      (resolved) => {
        try {
          refuseAll(host, resolved);
        } catch (error) {
          callback(error as CallbackUrlRefusedError, '');
          return;
        }
        const family = familyOf(options.family);
        const wanted = resolved
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !family || entry.family === family);
        const [first] = wanted;
        if (!first) {
          const error = Object.assign(new Error(`host ${host} has no IPv${family} address`), { code: 'ENOTFOUND' });
          callback(error, '');
        } else if (options.all) {
          callback(null, wanted);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
