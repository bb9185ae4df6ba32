/**
 * The peers benchmark's refresh-chain client (bench/peers/chains.ts): it must follow each chain's
 * rotated token, count only answered refreshes, and report a chain broken by a refused token
 * (a reused one here) instead of counting it, so a broken rotation cannot pass for throughput.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chains, rssMb, type RefreshProtocol } from '../../../bench/peers/chains.js';

/** Rotates `<chain>.<n>` to `<chain>.<n+1>`; any token but a chain's current one is refused. */
function rotatingServer(): Promise<{
  url: string;
  current: Map<string, number>;
  close: () => Promise<void>;
}> {
  const current = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('refresh_token') ?? '';
      const [chain = '', n = ''] = token.split('.');
      const expected = current.get(chain) ?? 0;
      if (Number(n) !== expected) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
        return;
      }
      current.set(chain, expected + 1);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ refresh_token: `${chain}.${expected + 1}` }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
        current,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

const protocolFor = (url: string): RefreshProtocol => ({
  url,
  contentType: 'application/x-www-form-urlencoded',
  body: (token) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
  next: (body) => (JSON.parse(body) as { refresh_token: string }).refresh_token,
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('peer refresh chains', () => {
  it('follows every chain to its current token and counts the refreshes', async () => {
    const server = await rotatingServer();
    close = server.close;
    const result = await chains(protocolFor(server.url), ['a.0', 'b.0', 'c.0', 'd.0'], 0.5);
    expect(result.brokenChains).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.ok).toBeGreaterThan(4);
    expect([...result.finalTokens].sort()).toEqual(
      ['a', 'b', 'c', 'd'].map((chain) => `${chain}.${server.current.get(chain)}`),
    );
    const served = [...server.current.values()].reduce((a, b) => a + b, 0);
    // Counted refreshes are the ones answered inside the window: never more than were served.
    expect(result.ok).toBeLessThanOrEqual(served);
  });

  it('reports a chain whose token was refused as broken, with the answer', async () => {
    const server = await rotatingServer();
    close = server.close;
    // Two chains start from the same token: the second use of it is a reuse and is refused.
    const result = await chains(protocolFor(server.url), ['a.0', 'a.0'], 0.3);
    expect(result.brokenChains).toBe(1);
    expect(result.non2xx).toBe(1);
    expect(result.finalTokens).toHaveLength(1);
    expect(result.firstFailure).toMatch(/^400 .*invalid_grant/);
  });

  it('reads a live process RSS and NaN for a gone one', () => {
    expect(rssMb(process.pid)).toBeGreaterThan(1);
    expect(rssMb(2 ** 22 + 12_345)).toBeNaN();
  });
});
