import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { SecretBox } from '../../application/ports/secret-box.port.js';
import type { SigningKeyRepository, StoredSigningKey } from './signing-key-repository.js';

interface LoadedKey {
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: number;
  /** The stored record's sealed private key, so a replaced record is checked again. */
  readonly sealed: string;
  readonly publicJwk: JWK;
  readonly signingKey: CryptoKey | Uint8Array;
  readonly verificationKey: CryptoKey | Uint8Array;
}

export interface KeyRingOptions {
  readonly algorithm: 'ES256' | 'EdDSA' | 'RS256';
  /** With a secret the ring holds one HS256 key and publishes nothing. */
  readonly hmacSecret?: string | undefined;
  /** How long a superseded key keeps verifying: the access-token lifetime plus clock tolerance. */
  readonly retiredKeyGraceSeconds: number;
  readonly now: () => Date;
  /** Seals and opens the private keys (required unless hmacSecret is set). */
  readonly secretBox?: SecretBox;
  /** A stored key that does not authenticate under the master key: refused, and reported here. */
  readonly onRefusedKey?: (kid: string, reason: string) => void;
}

/** The additional data binding a sealed private key to its record. */
const recordContext = (key: Omit<StoredSigningKey, 'sealedPrivateJwk'>): string =>
  `signing-key:v1:${JSON.stringify([key.kid, key.alg, key.createdAt, canonical(key.publicJwk)])}`;

const canonical = (jwk: JWK): [string, unknown][] =>
  Object.entries(jwk).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const RELOAD_MIN_INTERVAL_MS = 10_000;

/**
 * The current signing key and every key that may still verify a live token. The newest key signs;
 * a superseded key verifies until its successor is older than one access-token lifetime, so a
 * rotation logs nobody out. Keys are never trusted from a token's header (jwk, jku, x5u).
 */
export class SigningKeyRing {
  private keys: LoadedKey[] = [];
  private lastReload = 0;
  private poller: NodeJS.Timeout | null = null;

  private constructor(
    private readonly repository: SigningKeyRepository | null,
    private readonly options: KeyRingOptions,
  ) {}

  static async open(repository: SigningKeyRepository, options: KeyRingOptions): Promise<SigningKeyRing> {
    const ring = new SigningKeyRing(options.hmacSecret === undefined ? repository : null, options);
    if (options.hmacSecret !== undefined) {
      const secret = new TextEncoder().encode(options.hmacSecret);
      ring.keys = [
        {
          kid: 'hs256',
          alg: 'HS256',
          createdAt: 0,
          sealed: '',
          publicJwk: {},
          signingKey: secret,
          verificationKey: secret,
        },
      ];
      return ring;
    }
    if (options.secretBox === undefined) throw new Error('Stored signing keys need the master key.');
    await ring.reload();
    if (ring.keys.length === 0) await ring.rotate();
    return ring;
  }

  /**
   * Re-reads the key records every `intervalMs`, so a rotation reaches this instance and a
   * removed record stops verifying here within that bound. A failed read keeps the last keys.
   */
  startPolling(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.repository === null || this.poller !== null) return;
    this.poller = setInterval(() => {
      this.reload().catch(onError);
    }, intervalMs).unref();
  }

  stopPolling(): void {
    if (this.poller !== null) clearInterval(this.poller);
    this.poller = null;
  }

  /** Whether a key of this kid still verifies (the verified-token cache asks on every hit). */
  verifies(kid: string): boolean {
    return this.usable().some((key) => key.kid === kid);
  }

  get algorithm(): string {
    return this.current().alg;
  }

  current(): LoadedKey {
    const key = this.keys.at(-1);
    if (key === undefined) throw new Error('No signing key is loaded.');
    return key;
  }

  /** Finds the key for a token's `kid`, reloading (throttled) once for a kid rotated in elsewhere. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | Uint8Array | null> {
    const found = this.usable().find((key) => key.kid === kid);
    if (found !== undefined || kid === undefined) return found?.verificationKey ?? null;
    if (this.repository === null || Date.now() - this.lastReload < RELOAD_MIN_INTERVAL_MS) return null;
    await this.reload();
    return this.usable().find((key) => key.kid === kid)?.verificationKey ?? null;
  }

  /** Any key the ring holds, retired or not: for signed records that outlive tokens (audit checkpoints). */
  historicVerificationKey(
    kid: string | undefined,
  ): { readonly key: CryptoKey | Uint8Array; readonly alg: string } | null {
    const found = this.keys.find((key) => key.kid === kid);
    return found === undefined ? null : { key: found.verificationKey, alg: found.alg };
  }

  /** Public keys for `/.well-known/jwks.json`: the current one and those still verifying. */
  publicJwks(): JWK[] {
    if (this.options.hmacSecret !== undefined) return [];
    return this.usable().map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' }));
  }

  /** Adds a newer key, which signs from now on (here at once; on other instances after their reload). */
  async rotate(): Promise<string> {
    if (this.repository === null) throw new Error('HMAC keys are rotated by changing JWT_HMAC_SECRET.');
    const { algorithm } = this.options;
    const pair = await generateKeyPair(algorithm, {
      extractable: true,
      ...(algorithm === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const publicJwk = await exportJWK(pair.publicKey);
    const record = {
      kid: await calculateJwkThumbprint(publicJwk),
      alg: algorithm,
      publicJwk,
      createdAt: this.options.now().toISOString(),
    };
    const privateJwk = new TextEncoder().encode(JSON.stringify(await exportJWK(pair.privateKey)));
    const stored: StoredSigningKey = {
      ...record,
      sealedPrivateJwk: this.box().seal(privateJwk, recordContext(record)),
    };
    await this.repository.add(stored);
    await this.reload();
    return stored.kid;
  }

  async reload(): Promise<void> {
    if (this.repository === null) return;
    this.lastReload = Date.now();
    const stored = await this.repository.list();
    const loaded = await Promise.all(stored.map((key) => this.load(key)));
    this.keys = loaded
      .filter((key) => key !== null)
      .sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid));
  }

  private box(): SecretBox {
    const box = this.options.secretBox;
    if (box === undefined) throw new Error('Stored signing keys need the master key.');
    return box;
  }

  /** A record that does not open under the master key, or whose kid is not its key's, is refused. */
  private async load(key: StoredSigningKey): Promise<LoadedKey | null> {
    const cached = this.keys.find((k) => k.kid === key.kid && k.sealed === key.sealedPrivateJwk);
    if (cached !== undefined) return cached;
    try {
      if (typeof key.sealedPrivateJwk !== 'string') throw new Error('no sealed private key');
      const { sealedPrivateJwk, ...record } = key;
      const privateJwk = JSON.parse(
        new TextDecoder().decode(this.box().open(sealedPrivateJwk, recordContext(record))),
      ) as JWK;
      if ((await calculateJwkThumbprint(key.publicJwk)) !== key.kid) throw new Error('kid mismatch');
      const createdAt = Date.parse(key.createdAt);
      if (Number.isNaN(createdAt)) throw new Error('bad createdAt');
      return {
        kid: key.kid,
        alg: key.alg,
        createdAt,
        sealed: sealedPrivateJwk,
        publicJwk: key.publicJwk,
        signingKey: await importJWK(privateJwk, key.alg),
        verificationKey: await importJWK(key.publicJwk, key.alg),
      };
    } catch (error) {
      this.options.onRefusedKey?.(String(key.kid), error instanceof Error ? error.message : 'invalid');
      return null;
    }
  }

  private usable(): LoadedKey[] {
    const now = this.options.now().getTime();
    const grace = this.options.retiredKeyGraceSeconds * 1000;
    return this.keys.filter((key, index) => {
      const successor = this.keys[index + 1];
      return successor === undefined || successor.createdAt + grace > now;
    });
  }
}
