import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SigningKeyRepository } from '../../../src/infrastructure/tokens/signing-key-repository.js';
import { JoseAccessTokenService } from '../../../src/infrastructure/tokens/jose-access-token-service.js';
import { SigningKeyRing } from '../../../src/infrastructure/tokens/signing-key-ring.js';

const noKeysAtRest: SigningKeyRepository = { list: () => Promise.resolve([]), add: () => Promise.resolve() };
const claims = { userId: 'u-1', sessionId: 's-1', role: 'user' as const, authTime: new Date() };

async function service(ttlSeconds: number, verifiedCacheSize?: number): Promise<JoseAccessTokenService> {
  const ring = await SigningKeyRing.open(noKeysAtRest, {
    algorithm: 'ES256',
    hmacSecret: 'a shared secret of at least thirty-two bytes',
    retiredKeyGraceSeconds: 60,
    now: () => new Date(),
  });
  return new JoseAccessTokenService(ring, {
    issuer: 'http://auth.test',
    audience: 'auth-service',
    ttlSeconds,
    clockToleranceSeconds: 0,
    ...(verifiedCacheSize === undefined ? {} : { verifiedCacheSize }),
  });
}

describe('the verified-token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a token seen before without verifying it again', async () => {
    const tokens = await service(60);
    const { token } = await tokens.issue(claims, new Date());
    const first = await tokens.verify(token);
    expect(first).toMatchObject({ userId: 'u-1', sessionId: 's-1', role: 'user' });
    expect(await tokens.verify(token)).toBe(first); // the very same object: no second verification
  });

  it('is off with a size of 0', async () => {
    const tokens = await service(60, 0);
    const { token } = await tokens.issue(claims, new Date());
    const first = await tokens.verify(token);
    const second = await tokens.verify(token);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('never remembers a token that failed, and forgets one at its expiry', async () => {
    // 2 s, not 1: `iat` is whole seconds, so a 1 s token issued late in a second expires at once.
    // Only the clock moves (jose and the cache read Date), so no test waits 3 s.
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = await service(2);
    const { token } = await tokens.issue(claims, new Date());
    const [head, payload] = token.split('.');
    expect(await tokens.verify(`${head}.${payload}.${'A'.repeat(43)}`)).toBeNull();
    expect(await tokens.verify(token)).not.toBeNull();
    vi.setSystemTime(Date.now() + 3_100);
    expect(await tokens.verify(token)).toBeNull();
  });
});
