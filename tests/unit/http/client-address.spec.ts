import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../src/domain/shared/address-key.js';
import { clientAddress } from '../../../src/interfaces/http/client-address.js';

describe('issue 9 item 2: the client address with TRUST_PROXY hops', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientAddress('::ffff:10.0.0.1', '203.0.113.9', 0)).toBe('10.0.0.1');
  });

  it('takes the entry the nearest proxy appended, never the leftmost one the client wrote', () => {
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 198.51.100.7, 10.0.0.2', 2)).toBe('198.51.100.7');
  });

  it('skips values that are not addresses and falls back to the peer when too few remain', () => {
    expect(clientAddress('10.0.0.1', '<script>alert(1)</script>', 1)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '198.51.100.7, <script>', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', '198.51.100.7', 3)).toBe('10.0.0.1');
  });

  it('reads the port and bracket forms proxies write, and unmaps IPv4-mapped IPv6', () => {
    expect(clientAddress('10.0.0.1', '198.51.100.7:4711', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', '[2001:DB8::1]:443', 1)).toBe('2001:db8::1');
    expect(clientAddress('10.0.0.1', '::ffff:198.51.100.7', 1)).toBe('198.51.100.7');
  });

  it('groups IPv6 addresses by /64 and keeps IPv4 addresses apart', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey(null)).toBe('unknown');
  });
});
