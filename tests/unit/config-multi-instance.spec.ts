import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');
const MONGO = { MONGODB_URI: 'mongodb://127.0.0.1:27017/auth' };

describe('configuration of instances sharing one MongoDB (issue 16 finding 7, master key)', () => {
  it('refuses MongoDB mode without JWT_ISSUER, naming it (instances would refuse each other)', () => {
    expect(() => loadConfig({ ...MONGO, DATA_ENCRYPTION_KEY: KEY })).toThrow(
      new ConfigError('JWT_ISSUER', 'must be set when MONGODB_URI is set (the same on every instance)'),
    );
  });

  it('refuses MongoDB mode without DATA_ENCRYPTION_KEY, naming it', () => {
    expect(() => loadConfig({ ...MONGO, JWT_ISSUER: 'http://a' })).toThrow(/DATA_ENCRYPTION_KEY must be set/);
  });

  it('refuses a key that is not 32 bytes of base64', () => {
    for (const bad of [Buffer.alloc(16).toString('base64'), 'not base64!', `${KEY}AA`]) {
      expect(() => loadConfig({ DATA_ENCRYPTION_KEY: bad })).toThrow(
        /^Invalid configuration: DATA_ENCRYPTION_KEY/,
      );
    }
  });

  it('accepts both in MongoDB mode, and neither in the embedded mode', () => {
    const config = loadConfig({ ...MONGO, JWT_ISSUER: 'http://a', DATA_ENCRYPTION_KEY: KEY });
    expect(config.issuer).toBe('http://a');
    expect(config.dataEncryptionKey).toEqual(new Uint8Array(Buffer.alloc(32, 1)));
    expect(loadConfig({}).dataEncryptionKey).toBeUndefined();
  });
});
