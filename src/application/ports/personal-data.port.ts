/** Destroys the data key of a user (crypto-shredding): every personal field sealed under it reads as null. */
export interface PersonalDataKeys {
  /** Idempotent; also for a user whose key was never created (it never will be). */
  destroyUserKey(userId: string, at: Date): Promise<void>;
}
export const PERSONAL_DATA_KEYS = Symbol('PersonalDataKeys');
