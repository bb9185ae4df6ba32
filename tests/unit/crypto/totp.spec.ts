import { describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { MasterKeyFieldSealer } from '../../../src/infrastructure/crypto/master-key-field-sealer.js';
import { OpaqueMfaCodes } from '../../../src/infrastructure/crypto/mfa-codes.js';
import { OtpauthTotp } from '../../../src/infrastructure/crypto/otpauth-totp.js';
import { totpAt } from '../../support/totp.js';

// RFC 6238 appendix B's SHA-1 seed, "12345678901234567890", in base32.
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238) and the sealing of its secret', () => {
  it('the tests’ own TOTP matches RFC 6238 appendix B (last 6 digits)', () => {
    expect(totpAt(RFC_SEED, Math.floor(59 / 30))).toBe('287082');
    expect(totpAt(RFC_SEED, Math.floor(1111111109 / 30))).toBe('081804');
    expect(totpAt(RFC_SEED, Math.floor(2000000000 / 30))).toBe('279037');
  });

  it('the adapter accepts exactly the steps within ±1 and names the step', () => {
    const totp = new OtpauthTotp('auth.test');
    const at = new Date(1111111109 * 1000);
    const step = Math.floor(1111111109 / 30);
    for (const delta of [-1, 0, 1]) {
      expect(totp.matchingStep(RFC_SEED, totpAt(RFC_SEED, step + delta), at)).toBe(step + delta);
    }
    expect(totp.matchingStep(RFC_SEED, totpAt(RFC_SEED, step + 2), at)).toBeNull();
    expect(totp.matchingStep(RFC_SEED, 'abcdef', at)).toBeNull();
    const secret = totp.newSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totp.keyUri(secret, 'a@example.com')).toContain(`secret=${secret}`);
  });

  it('a sealed secret opens only for its purpose and subject, and holds no plain text', () => {
    const sealer = new MasterKeyFieldSealer(new AesGcmSecretBox(new Uint8Array(32).fill(7)));
    const ref = { purpose: 'totp-secret', subjectId: 'user-1' };
    const sealed = sealer.seal(ref, RFC_SEED);
    expect(sealed).not.toContain(RFC_SEED);
    expect(sealer.open(ref, sealed)).toBe(RFC_SEED);
    expect(() => sealer.open({ ...ref, subjectId: 'user-2' }, sealed)).toThrow();
    expect(() => sealer.open({ ...ref, purpose: 'other' }, sealed)).toThrow();
  });

  it('recovery codes: 10 distinct, digests only, case and dashes ignored; mfa tokens round-trip', () => {
    const codes = new OpaqueMfaCodes();
    const { codes: shown, digests } = codes.newRecoveryCodes(10);
    expect(new Set(shown).size).toBe(10);
    for (const [i, code] of shown.entries()) {
      expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
      expect(digests[i]).not.toContain(code.replace(/-/g, ''));
      expect(codes.recoveryCodeDigest(code.toLowerCase().replace(/-/g, ' '))).toBe(digests[i]);
    }
    expect(codes.recoveryCodeDigest('not a code')).toBeNull();
    const userId = '3e240ac6-ee5d-4ca4-ae9a-5b0c40faa44d';
    const challengeId = '7d3e1e7a-0000-4000-8000-000000000000';
    const issued = codes.issueChallengeToken(userId, challengeId);
    expect(codes.parseChallengeToken(issued.token)).toEqual({ userId, challengeId, digest: issued.digest });
    expect(codes.parseChallengeToken(`${issued.token}x`)).toBeNull();
  });
});
