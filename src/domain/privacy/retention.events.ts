/**
 * The retention sweeper's record: the personal data of one period's attempts (a UTC day) passed
 * `AUDIT_PII_RETENTION` and its keys are being destroyed. Appended before the keys go, so a crash
 * in between leaves the intent in the log and the next sweep finishes it; read models scrub the
 * period's documents when they project it.
 */
export const PERSONAL_DATA_EXPIRED = 'PersonalDataExpired';

export const retentionStreamId = (period: string): string => `personal-data-retention-${period}`;

// A type, not an interface: it must fit the store's `Record<string, unknown>` event data.
export type PersonalDataExpiredData = {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly period: string;
  /** Data keys of that day still live when the sweep listed them. */
  readonly keys: number;
  readonly retentionSeconds: number;
};

export const isPersonalDataExpiredData = (
  data: Readonly<Record<string, unknown>>,
): data is PersonalDataExpiredData =>
  typeof data['period'] === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(data['period']) &&
  typeof data['keys'] === 'number' &&
  typeof data['retentionSeconds'] === 'number';
