/**
 * The key rate limits and locks count a client address under. One IPv6 subscriber gets a whole
 * /64 (often far more), so counting single IPv6 addresses would hand each client 2^64 budgets;
 * IPv4 addresses count one by one. Expects an address already validated at the edge.
 */
export function addressKey(ip: string | null): string {
  if (ip === null) return 'unknown';
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = ip.includes('::') && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  const prefix = groups.slice(0, 4).map((g) => g.replace(/^0+/, '') || '0');
  return `${prefix.join(':')}::/64`;
}
