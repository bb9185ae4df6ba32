/**
 * Issue 16 findings 1 and 6 on two instances over one MongoDB (FerretDB in the tests): a key
 * record the service did not write is refused by both; a removed key stops verifying, and a
 * rotated-in key starts signing, on both within the reload bound — with no restart.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo } from '../../src/infrastructure/mongo/mongo-connection.js';
import { KEY_RELOAD_INTERVAL_MS } from '../../src/infrastructure/runtime/runtime.js';
import { registerAndLogIn } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'scraper-token-of-the-key-tests';

const BOUND_MS = KEY_RELOAD_INTERVAL_MS + 3_000;
const kidOf = (token: string): unknown =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid?: unknown }).kid;

describe('signing keys shared by two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let client: MongoClient;
  let keys: ReturnType<MongoClient['db']>['collection'] extends (n: string) => infer C ? C : never;

  beforeAll(async () => {
    a = await startTestApp('mongodb', { env: { METRICS_TOKEN } });
    b = await startTestApp('mongodb', { shareWith: a, env: { METRICS_TOKEN } });
    const connection = await connectMongo(a.storage.mongoUri ?? '');
    client = connection.client;
    keys = connection.db.collection('signing_keys');
  });
  afterAll(async () => {
    await client.close();
    await b.stop();
    await a.dispose();
  });

  it('stores private keys sealed, never as a plain JWK', async () => {
    const docs = await keys.find({}).toArray();
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(doc).not.toHaveProperty('privateJwk');
      expect(JSON.stringify(doc)).not.toMatch(/"d":/);
      expect(doc['sealedPrivateJwk']).toMatch(/^v1\./);
    }
  });

  it('finding 1: a planted key record (newest, plaintext or forged seal) is refused and alarmed by both', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    await keys.insertOne({
      _id: kid as never,
      alg: 'ES256',
      publicJwk,
      privateJwk: await exportJWK(pair.privateKey),
      sealedPrivateJwk: `v1.${Buffer.alloc(64, 7).toString('base64url')}`,
      createdAt: new Date(Date.now() + 1000).toISOString(),
    });
    const forged = await new SignJWT({ sid: 'no-such-session', role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer('http://auth.test')
      .setAudience('auth-service')
      .setSubject('no-such-user')
      .setIssuedAt()
      .setExpirationTime('10m')
      .setJti('forged')
      .sign(pair.privateKey);
    // Past a reload on both: the planted record has been seen, and refused.
    await new Promise((resolve) => setTimeout(resolve, BOUND_MS));
    for (const app of [a, b]) {
      expect((await app.request('/admin/users', { token: forged })).status).toBe(401);
      expect((await app.request('/users/me', { token: forged })).status).toBe(401);
      const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as {
        keys: { kid: string }[];
      };
      expect(jwks.keys.map((k) => k.kid)).not.toContain(kid);
      const { tokens } = await registerAndLogIn(app);
      expect(kidOf(tokens.access_token)).not.toBe(kid);
      const metrics = await (await app.request('/metrics', { token: METRICS_TOKEN })).text();
      expect(metrics).toMatch(/^auth_signing_keys_refused_total [1-9]/m);
    }
    await keys.deleteOne({ _id: kid as never });
  });

  it('finding 6 and 1: a rotation reaches the other instance, and a removed key stops verifying on both', async () => {
    const kid = await a.runtime.wiring.keyRing.rotate();
    // b signs with the new key within the bound, without meeting a token of it first.
    await expect
      .poll(async () => kidOf((await registerAndLogIn(b)).tokens.access_token), {
        timeout: BOUND_MS,
        interval: 500,
      })
      .toBe(kid);
    const { tokens } = await registerAndLogIn(a);
    expect(kidOf(tokens.access_token)).toBe(kid);
    expect((await a.request('/users/me', { token: tokens.access_token })).status).toBe(200);
    expect((await b.request('/users/me', { token: tokens.access_token })).status).toBe(200);

    await keys.deleteOne({ _id: kid as never });
    const started = Date.now();
    for (const app of [a, b]) {
      await expect
        .poll(async () => (await app.request('/users/me', { token: tokens.access_token })).status, {
          timeout: BOUND_MS,
          interval: 250,
        })
        .toBe(401);
    }
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
  });
});
