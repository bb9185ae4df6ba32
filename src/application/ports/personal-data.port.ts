/**
 * The data keys of crypto-shredding, as use cases see them: destroying a key makes every personal
 * field sealed under it read as null, on every instance and in every copy of the log.
 */
export interface PersonalDataKeys {
  /**
   * The user's key and their keys of each day. Idempotent; also for a user whose key was never
   * created (it never will be).
   */
  destroyUserKey(userId: string, at: Date): Promise<void>;
  /** Live period keys of the days before `period` (`YYYY-MM-DD`), by day, oldest first. */
  expiringBefore(period: string): Promise<ReadonlyMap<string, readonly string[]>>;
  destroyKeys(keyIds: readonly string[], at: Date): Promise<void>;
}
export const PERSONAL_DATA_KEYS = Symbol('PersonalDataKeys');
