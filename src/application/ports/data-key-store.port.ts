/**
 * Where the per-subject data keys of crypto-shredding live: a table or collection of their own,
 * never the event log. Each key is stored wrapped (sealed under the master key); destroying it
 * leaves a tombstone, so a destroyed key is never created again under the same id and every
 * ciphertext sealed under it stays unreadable for good. Adapters: SQLite and MongoDB, both pass
 * tests/contract/data-key-store.contract.ts.
 */
export interface StoredDataKey {
  readonly keyId: string;
  /** The key sealed under the master key; null once destroyed. */
  readonly wrapped: string | null;
  readonly createdAt: Date;
  readonly destroyedAt: Date | null;
}

/** Which live keys to list: ids starting with `prefix`, or period keys of days before a day. */
export type LiveKeyFilter = { readonly prefix: string } | { readonly periodBefore: string };

export interface DataKeyStore {
  /** The key or its tombstone; null when no key was ever stored under the id. */
  get(keyId: string): Promise<StoredDataKey | null>;
  /**
   * Stores `wrapped` under `keyId` unless a key (or its tombstone) is there already, and returns
   * whichever holds: two instances creating one subject's key at once end up with the same key.
   */
  createIfAbsent(keyId: string, wrapped: string, at: Date): Promise<StoredDataKey>;
  /**
   * Destroys the key material, leaving a tombstone (also for an id never stored, so it is never
   * created later). Idempotent: true when live key material was destroyed by this call.
   */
  destroy(keyId: string, at: Date): Promise<boolean>;
  /** Destroys each key like `destroy`, in one go; resolves to how many held live material. */
  destroyMany(keyIds: readonly string[], at: Date): Promise<number>;
  /**
   * Ids of the keys not destroyed that match, in id order. `periodBefore` (`YYYY-MM-DD`) lists
   * the period keys (`period:<day>`, `user:<id>:period:<day>`) of the days before it.
   */
  liveKeys(filter: LiveKeyFilter): Promise<string[]>;
  close(): Promise<void>;
}

export const DATA_KEY_STORE = Symbol('DataKeyStore');
