import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DataKeyStore } from '../../application/ports/data-key-store.port.js';
import type { PersonalDataKeys } from '../../application/ports/personal-data.port.js';
import type { SecretBox } from '../../application/ports/secret-box.port.js';
import { periodOfKeyId, userKeyId, userPeriodKeyPrefix } from '../../application/privacy/personal-fields.js';
import { AesGcmSecretBox } from '../crypto/aes-gcm-secret-box.js';

export interface DataKeyRingOptions {
  /** Unwrapped keys kept in memory. Default 10,000. */
  readonly maxKeys?: number;
  /**
   * How long an unwrapped key is used without asking the key store again: the bound on how long
   * an instance that missed a `UserErased` could still open the erased user's data. Default 5 min.
   */
  readonly ttlMs?: number;
}

/** A key, or the fact that it was destroyed (tombstones are forever, so that is cached too). */
type Cached = { readonly box: SecretBox | null };

const wrapContext = (keyId: string): string => `data-key:v1:${keyId}`;
const DESTROYED: Cached = { box: null };

/**
 * The data keys of crypto-shredding: 256-bit random keys, one per subject, stored wrapped under
 * the master key in their own store, unwrapped once and cached in memory. Destroying one leaves
 * every field sealed under it unreadable, on every instance: the store keeps a tombstone, and
 * an instance forgets its cached key when it reads the `UserErased` event (else after the TTL).
 */
export class DataKeyRing implements PersonalDataKeys {
  private readonly cache: LRUCache<string, Cached>;
  private readonly loading = new Map<string, Promise<Cached | null>>();
  /** Erased users and expired periods this instance read of in the log (few: kept for good). */
  private readonly erasedUsers = new Set<string>();
  private readonly expiredPeriods = new Set<string>();

  constructor(
    private readonly store: DataKeyStore,
    private readonly master: SecretBox,
    options: DataKeyRingOptions = {},
  ) {
    this.cache = new LRUCache<string, Cached>({
      max: options.maxKeys ?? 10_000,
      ttl: options.ttlMs ?? 300_000,
    });
  }

  /** The key to open data with: null when it was destroyed or never created. */
  async forReading(keyId: string): Promise<SecretBox | null> {
    return (await this.lookup(keyId))?.box ?? null;
  }

  /** Whether the key was destroyed (false for one never created). */
  async isDestroyed(keyId: string): Promise<boolean> {
    return (await this.lookup(keyId))?.box === null;
  }

  /**
   * The key to seal new data with, created on first use; null once destroyed (nothing is sealed).
   * A key under an owner (a user's key of a day, owned by the user's key) is not created once
   * the owner's is destroyed: an attempt after an erasure must not start a readable record again.
   */
  async forWriting(keyId: string, now: Date, owner?: string): Promise<SecretBox | null> {
    const found = await this.lookup(keyId);
    if (found !== null) return found.box;
    if (owner !== undefined && (await this.isDestroyed(owner))) return null;
    const wrapped = this.master.seal(randomBytes(32), wrapContext(keyId));
    const stored = await this.store.createIfAbsent(keyId, wrapped, now);
    // The owner may have been destroyed meanwhile, after its keys were listed: ask the store.
    if (owner !== undefined && stored.wrapped !== null && (await this.store.get(owner))?.wrapped === null) {
      await this.destroyKeys([keyId], now);
      return null;
    }
    return this.remember(keyId, stored.wrapped).box;
  }

  /**
   * The log says the user is erased (`UserErased`): from now on every key of the user, the daily
   * ones included, counts as destroyed for this instance, cached or not, even before the eraser
   * has destroyed it in the store (a reload in between would otherwise cache it live for the TTL).
   */
  markUserErased(userId: string): void {
    this.erasedUsers.add(userId);
  }

  /** The log says a period expired (`PersonalDataExpired`): its keys count as destroyed here. */
  markPeriodExpired(period: string): void {
    this.expiredPeriods.add(period);
  }

  /** Whether the log already said this key goes (see the two methods above). */
  private doomed(keyId: string): boolean {
    const period = periodOfKeyId(keyId);
    if (period !== null && this.expiredPeriods.has(period)) return true;
    const userId = /^user:([^:]+)/.exec(keyId)?.[1];
    return userId !== undefined && this.erasedUsers.has(userId);
  }

  async destroyKeys(keyIds: readonly string[], at: Date): Promise<void> {
    await this.store.destroyMany(keyIds, at);
    for (const keyId of keyIds) this.cache.set(keyId, { box: null }, { ttl: 0 });
  }

  /** The user's key first, so no key of a day can be created for them after the listing. */
  async destroyUserKey(userId: string, at: Date): Promise<void> {
    await this.destroyKeys([userKeyId(userId)], at);
    await this.destroyKeys(await this.store.liveKeys({ prefix: userPeriodKeyPrefix(userId) }), at);
  }

  /** Live period keys of the days before `period`, by day (oldest first). */
  async expiringBefore(period: string): Promise<Map<string, string[]>> {
    const byPeriod = new Map<string, string[]>();
    for (const keyId of await this.store.liveKeys({ periodBefore: period })) {
      const day = periodOfKeyId(keyId);
      if (day === null) continue;
      const keys = byPeriod.get(day);
      if (keys === undefined) byPeriod.set(day, [keyId]);
      else keys.push(keyId);
    }
    return new Map([...byPeriod].sort(([a], [b]) => a.localeCompare(b)));
  }

  private async lookup(keyId: string): Promise<Cached | null> {
    if (this.doomed(keyId)) return DESTROYED;
    const cached = this.cache.get(keyId);
    if (cached !== undefined) return cached;
    const inFlight = this.loading.get(keyId);
    if (inFlight !== undefined) return inFlight;
    const load = (async (): Promise<Cached | null> => {
      const stored = await this.store.get(keyId);
      return stored === null ? null : this.remember(keyId, stored.wrapped);
    })();
    this.loading.set(keyId, load);
    try {
      return await load;
    } finally {
      this.loading.delete(keyId);
    }
  }

  private remember(keyId: string, wrapped: string | null): Cached {
    const entry: Cached = {
      box: wrapped === null ? null : new AesGcmSecretBox(this.master.open(wrapped, wrapContext(keyId))),
    };
    // A tombstone never comes back to life: keep it without expiry (while it fits).
    this.cache.set(keyId, entry, wrapped === null ? { ttl: 0 } : {});
    return entry;
  }
}
