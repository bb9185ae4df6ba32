import type { Collection, Db } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type {
  RateLimitDecision,
  RateLimitedAction,
  RateLimiter,
} from '../../application/ports/rate-limiter.port.js';
import { mongoGuard } from '../mongo/unavailable.js';
import { ALLOWED, FixedWindows, refusedUntil, type RateLimits } from './fixed-window.js';

// Not the old 'rate_limits' (rate-limiter-flexible's counters): its unique index on `key` would refuse these.
export const RATE_LIMITS_COLLECTION = 'rate_limit_places';

/** One attempt: the n-th place of a key's budget in one slot. */
interface PlaceDocument {
  /** `${action}:${key}:${slot}:${n}`: the unique index that makes taking a place atomic. */
  readonly _id: string;
  readonly expiresAt: Date;
}

const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === 11000;

/** Hints older than their slot are dropped once there are more than this many. */
const PRUNE_HINTS_ABOVE = 10_000;

/**
 * Per-address budgets shared by every instance on one database. An attempt takes the first free
 * place n (1..limit) of its key's slot by inserting the document `_id = key:slot:n`; a duplicate
 * key means another attempt has that place, so it tries the next one. Inserts guarded by the `_id`
 * index are atomic on every server this service supports, FerretDB 1.x included, whose `$inc`
 * and `findAndModify` are not (research/eventstore-mongo.md §3.2): N concurrent attempts take N
 * distinct places, so at most `limit` get through per slot.
 *
 * Each instance remembers the next place it expects to be free per bucket, so the usual attempt
 * costs one insert, and a bucket it has seen full is refused without a round trip. When the hint
 * is behind (another instance took places), it finds the first free place by `_id` lookups
 * (doubling steps, then bisection: taken places form a prefix), the one query FerretDB serves
 * without a full scan.
 *
 * No TTL index (FerretDB rejects `expireAfterSeconds`): `sweep` deletes the places of past slots.
 */
export class MongoRateLimiter implements RateLimiter {
  private readonly nextPlace: FixedWindows<{ readonly end: Date; next: number }>;

  private constructor(
    private readonly places: Collection<PlaceDocument>,
    limits: RateLimits,
    private readonly now: () => Date,
  ) {
    this.nextPlace = new FixedWindows(limits, PRUNE_HINTS_ABOVE, (end) => ({ end, next: 1 }));
  }

  static create(db: Db, limits: RateLimits, now: () => Date = () => new Date()): MongoRateLimiter {
    return new MongoRateLimiter(db.collection<PlaceDocument>(RATE_LIMITS_COLLECTION), limits, now);
  }

  /** Deletes the places of slots that have ended; returns how many. */
  static async sweep(db: Db, now: Date): Promise<number> {
    const { deletedCount } = await mongoGuard(() =>
      db.collection<PlaceDocument>(RATE_LIMITS_COLLECTION).deleteMany({ expiresAt: { $lte: now } }),
    );
    return deletedCount;
  }

  async consume(action: RateLimitedAction, key: string): Promise<RateLimitDecision> {
    const now = this.now();
    const { bucket, budget, end, state: hint } = this.nextPlace.at(action, key, now);
    while (hint.next <= budget.limit) {
      const n = hint.next;
      hint.next += 1;
      if (await this.take({ _id: `${bucket}:${n}`, expiresAt: end })) return ALLOWED;
      // Behind another instance: skip the places it took (they are taken, never given back).
      hint.next = Math.max(hint.next, await this.firstFreeFrom(bucket, hint.next, budget.limit));
    }
    return refusedUntil(end, now);
  }

  private async take(place: PlaceDocument): Promise<boolean> {
    try {
      await mongoGuard(() => this.places.insertOne(place));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * The first place from `from` on that looks free (limit + 1 when none), assuming the places
   * below `from` are taken. A hole (a place whose insert failed) may be found instead: any free
   * place will do, as every allowed attempt still holds its own place of 1..limit.
   */
  private async firstFreeFrom(bucket: string, from: number, limit: number): Promise<number> {
    const taken = (n: number): Promise<boolean> =>
      mongoGuard(
        async () =>
          (await this.places.findOne({ _id: `${bucket}:${n}` }, { projection: { _id: 1 } })) !== null,
      );
    let below = from - 1; // highest place known taken
    let probe = from;
    for (let step = 1; probe <= limit && (await taken(probe)); step *= 2) {
      below = probe;
      probe = below + step;
    }
    let free = Math.min(probe, limit + 1);
    while (free - below > 1) {
      const middle = Math.floor((below + free) / 2);
      if (await taken(middle)) below = middle;
      else free = middle;
    }
    return free;
  }
}
