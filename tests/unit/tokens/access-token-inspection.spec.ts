import { describe, expect, it } from 'vitest';
import type { SigningKeyRepository } from '../../../src/infrastructure/tokens/signing-key-repository.js';
import { JoseAccessTokenService } from '../../../src/infrastructure/tokens/jose-access-token-service.js';
import { SigningKeyRing } from '../../../src/infrastructure/tokens/signing-key-ring.js';

const noKeysAtRest: SigningKeyRepository = { list: () => Promise.resolve([]), add: () => Promise.resolve() };
const claims = { userId: 'u-1', sessionId: 's-1', role: 'user' as const, authTime: new Date() };

async function service(): Promise<JoseAccessTokenService> {
  const ring = await SigningKeyRing.open(noKeysAtRest, {
    algorithm: 'ES256',
    hmacSecret: 'a shared secret of at least thirty-two bytes',
    retiredKeyGraceSeconds: 60,
    now: () => new Date(),
  });
  return new JoseAccessTokenService(ring, {
    issuer: 'http://auth.test',
    audience: 'auth-service',
    ttlSeconds: 60,
    clockToleranceSeconds: 0,
  });
}

describe('issue 9 item 13: why an access token was refused, for the audit', () => {
  it('names a genuine token past exp "expired", and anything forged or malformed "invalid"', async () => {
    const tokens = await service();
    const { token: stale } = await tokens.issue(claims, new Date(Date.now() - 3_600_000));
    expect(await tokens.inspect(stale)).toEqual({ rejected: 'expired' });
    expect(await tokens.verify(stale)).toBeNull();

    const { token } = await tokens.issue(claims, new Date());
    const [head, payload] = token.split('.');
    expect(await tokens.inspect(`${head}.${payload}.${'A'.repeat(86)}`)).toEqual({ rejected: 'invalid' });
    expect(await tokens.inspect('not a jwt')).toEqual({ rejected: 'invalid' });
    expect(await tokens.inspect('')).toEqual({ rejected: 'invalid' });
    // An expired claim under a forged signature is not "expired": the signature is checked first.
    const forgedStale = `${stale.split('.')[0]}.${stale.split('.')[1]}.${'A'.repeat(86)}`;
    expect(await tokens.inspect(forgedStale)).toEqual({ rejected: 'invalid' });

    const inspected = await tokens.inspect(token);
    expect('token' in inspected && inspected.token).toMatchObject({ userId: 'u-1', sessionId: 's-1' });
  });
});
