import { inject, injectable } from 'tsyringe';
import {
  PERSONAL_DATA_EXPIRED,
  retentionStreamId,
  type PersonalDataExpiredData,
} from '../../domain/privacy/retention.events.js';
import { CommandHandler } from '../command-handler.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { ConcurrencyError } from '../ports/event-store.port.js';
import { PERSONAL_DATA_KEYS, type PersonalDataKeys } from '../ports/personal-data.port.js';
import { periodOf } from './personal-fields.js';

export interface ExpiredPeriod {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly period: string;
  /** Its data keys still live: the unknown identifiers' key and one per user with attempts then. */
  readonly keys: number;
}

export interface RetentionReport {
  /** Attempts of the days before this one are past the limit (`YYYY-MM-DD`). */
  readonly before: string;
  readonly retentionSeconds: number;
  readonly periods: readonly ExpiredPeriod[];
  /** False for a dry run: nothing was destroyed or recorded. */
  readonly applied: boolean;
}

/**
 * Retention of attempts' personal data (AUDIT_PII_RETENTION): the identifiers, addresses and user
 * agents of logins, refusals and refused tokens are sealed under a key per day (see
 * PERSONAL_FIELDS), and a day's keys are destroyed once the whole day is older than the limit,
 * so a field goes between the limit and a day after it. Counts, outcomes and times stay, as for
 * an erasure. Each day is recorded as `PersonalDataExpired` before its keys go: a crash in between
 * leaves the record and the next sweep destroys what is left. Two instances sweeping together
 * destroy the same keys (idempotent) and record the day once.
 */
@injectable()
export class ExpirePersonalData {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(PERSONAL_DATA_KEYS) private readonly keys: PersonalDataKeys,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  /** What is due at `now`; with `dryRun`, only says so. */
  async sweep(now: Date, options: { readonly dryRun?: boolean } = {}): Promise<RetentionReport> {
    const retentionSeconds = this.settings.personalDataRetentionSeconds;
    const before = periodOf(new Date(now.getTime() - retentionSeconds * 1000));
    const due = await this.keys.expiringBefore(before);
    const periods = [...due].map(([period, keyIds]) => ({ period, keys: keyIds.length }));
    if (options.dryRun === true) return { before, retentionSeconds, periods, applied: false };
    for (const [period, keyIds] of due) {
      await this.record({ period, keys: keyIds.length, retentionSeconds }, now);
      await this.keys.destroyKeys(keyIds, now);
    }
    return { before, retentionSeconds, periods, applied: true };
  }

  private async record(data: PersonalDataExpiredData, now: Date): Promise<void> {
    try {
      await this.commands.record({
        streamId: retentionStreamId(data.period),
        expectedVersion: 'no_stream',
        events: [{ type: PERSONAL_DATA_EXPIRED, data: { ...data } }],
        metadata: { actorId: 'system' },
        occurredAt: now,
      });
    } catch (error) {
      // Recorded already: by another instance now, or by a sweep a crash cut short.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
}
