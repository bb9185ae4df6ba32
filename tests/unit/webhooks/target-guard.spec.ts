/**
 * The SSRF guard of webhook targets (issue 13): private, loopback, link-local, unique-local,
 * CGNAT, multicast, unspecified and IPv4-mapped forms of them are refused unless allowed, at
 * subscription time and again at delivery time, where the socket connects to the checked address.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeWebhookClient } from '../../../src/infrastructure/webhooks/node-webhook-client.js';
import { isForbiddenAddress, targetRefusal } from '../../../src/infrastructure/webhooks/target-guard.js';

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:10.0.0.1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
  ])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('targetRefusal with WEBHOOK_ALLOW_PRIVATE off', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://localhost:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://[fd00::1]/',
  ])('refuses %s', async (url) => {
    expect(await targetRefusal(url, false)).toMatch(/refused/);
  });

  it.each([
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://example.com/',
    'not a url',
    'http://user:pw@example.com/',
  ])('refuses %s (not a plain http(s) URL)', async (url) => {
    expect(await targetRefusal(url, false)).not.toBeNull();
  });

  it('allows a public IP literal, and loopback once WEBHOOK_ALLOW_PRIVATE is set', async () => {
    expect(await targetRefusal('https://93.184.215.14/hook', false)).toBeNull();
    expect(await targetRefusal('http://127.0.0.1:9/hook', true)).toBeNull();
  });
});

describe('NodeWebhookClient at delivery time', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
        return;
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const message = (path: string) => ({
    url: `http://127.0.0.1:${port}${path}`,
    id: 'evt_1',
    timestamp: new Date(),
    payload: '{}',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  });

  it('refuses to connect to a loopback target without the flag (the receiver sees nothing)', async () => {
    hits = 0;
    const attempt = await new NodeWebhookClient({ allowPrivate: false, timeoutMs: 2000 }).send(
      message('/ok'),
    );
    expect(attempt).toMatchObject({ delivered: false, status: null });
    expect(hits).toBe(0);
  });

  it('does not follow a redirect: a 302 is a failed attempt and the Location is not requested', async () => {
    hits = 0;
    const attempt = await new NodeWebhookClient({ allowPrivate: true, timeoutMs: 2000 }).send(
      message('/redirect'),
    );
    expect(attempt).toEqual({ delivered: false, status: 302, error: 'redirect not followed' });
    expect(hits).toBe(1);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    const attempt = await new NodeWebhookClient({ allowPrivate: true, timeoutMs: 300 }).send(
      message('/slow'),
    );
    expect(attempt).toMatchObject({ delivered: false, status: null, error: 'timed out' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('signs new secrets as whsec_ and delivers on 2xx', async () => {
    const client = new NodeWebhookClient({ allowPrivate: true, timeoutMs: 2000 });
    expect(client.newSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await client.send(message('/ok'))).toEqual({ delivered: true, status: 204 });
  });
});
