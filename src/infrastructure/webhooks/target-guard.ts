import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE=true: the service's own host,
 * its network and the cloud metadata endpoint (SSRF). IPv4-mapped IPv6 is unwrapped first.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds IPv4, possibly private)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** `::ffff:a.b.c.d` or `::ffff:7f00:1` → `a.b.c.d`; anything else unchanged. */
const unmapped = (address: string): string => {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1] !== undefined) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] !== undefined && hex[2] !== undefined) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
};

/** Whether `address` (an IP literal) is private, loopback, link-local, … */
export function isForbiddenAddress(address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return true; // not an address: never connect to it
  return FORBIDDEN.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export interface ResolvedTarget {
  readonly address: string;
  readonly family: 4 | 6;
}

export class RefusedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTargetError';
  }
}

/** The URL's host without IPv6 brackets (the WHATWG parser has already turned `2130706433` into `127.0.0.1`). */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Every address `host` resolves to, refused when any of them is forbidden (one bad answer in a
 * round-robin set is enough for a rebinding attack). The caller connects to the address returned,
 * never resolving again, so the answer checked is the address used.
 */
export async function resolveTarget(host: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  const literal = isIP(host);
  const answers =
    literal !== 0
      ? [{ address: host, family: literal }]
      : await lookup(host, { all: true, verbatim: true }).catch(() => {
          throw new RefusedTargetError(`the host ${host} does not resolve`);
        });
  const first = answers[0];
  if (first === undefined) throw new RefusedTargetError(`the host ${host} does not resolve`);
  if (!allowPrivate) {
    const bad = answers.find((answer) => isForbiddenAddress(answer.address));
    if (bad !== undefined)
      throw new RefusedTargetError(
        `the host resolves to ${bad.address}, a private, loopback, link-local or reserved address`,
      );
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Why `raw` may not be a webhook target, or null. */
export async function targetRefusal(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  try {
    await resolveTarget(hostOf(url), allowPrivate);
    return null;
  } catch (error) {
    if (error instanceof RefusedTargetError) return `is refused: ${error.message}`;
    throw error;
  }
}
