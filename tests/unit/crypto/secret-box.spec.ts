import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBoxError } from '../../../src/application/ports/secret-box.port.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';

describe('AES-256-GCM secret box', () => {
  const box = new AesGcmSecretBox(randomBytes(32));
  const secret = new TextEncoder().encode('a private key');

  it('opens what it sealed, with a fresh IV each time', () => {
    const one = box.seal(secret, 'ctx');
    expect(one).not.toBe(box.seal(secret, 'ctx'));
    expect(Buffer.from(box.open(one, 'ctx')).toString()).toBe('a private key');
  });

  it('refuses another context (a sealed value moved to another record), another key, and a flipped bit', () => {
    const sealed = box.seal(secret, 'signing-key:a');
    expect(() => box.open(sealed, 'signing-key:b')).toThrow(SecretBoxError);
    expect(() => new AesGcmSecretBox(randomBytes(32)).open(sealed, 'signing-key:a')).toThrow(SecretBoxError);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(() => box.open(`v1.${raw.toString('base64url')}`, 'signing-key:a')).toThrow(SecretBoxError);
    expect(() => box.open('v0.xx', 'signing-key:a')).toThrow(SecretBoxError);
  });
});
