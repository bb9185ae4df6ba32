import { isIP } from 'node:net';

/** An entry as proxies write it: a bare address, `[v6]:port` or `v4:port`; anything else is not one. */
const asAddress = (raw: string): string | null => {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1] !== undefined) value = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  if (isIP(value) === 0) return null;
  const lower = value.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
};

/**
 * The client address with `hops` trusted proxies in front: the `hops`-th valid entry from the right
 * of X-Forwarded-For, which the outermost trusted proxy appended. Entries to its left are whatever
 * the client sent and are never read, so inventing addresses gains nothing; values that are not IP
 * addresses are skipped, so `<script>` never becomes an address. With no proxies, or a header too
 * short to have passed them all, the peer address of the socket is the answer.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string,
  hops: number,
): string | null {
  const peer = socketAddress === undefined ? null : asAddress(socketAddress);
  if (hops === 0 || forwardedFor === '') return peer;
  const entries = forwardedFor
    .split(',')
    .map(asAddress)
    .filter((a): a is string => a !== null);
  return entries[entries.length - hops] ?? peer;
}
