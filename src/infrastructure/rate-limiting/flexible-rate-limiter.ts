import type { Db } from 'mongodb';
import {
  RateLimiterMemory,
  RateLimiterMongo,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { StoreUnavailableError } from '../../application/ports/event-store.port.js';
import type {
  RateLimitDecision,
  RateLimitedAction,
  RateLimiter,
} from '../../application/ports/rate-limiter.port.js';
import { isMongoUnavailable } from '../mongo/unavailable.js';

export interface RateLimits {
  readonly loginPerMinute: number;
  readonly registerPerHour: number;
}

const COLLECTION = 'rate_limits';

/**
 * Per-address budgets with rate-limiter-flexible's arithmetic. In MongoDB mode the counters are
 * shared by every instance. On FerretDB 1.x its `$inc` is not atomic, so under heavy concurrency a
 * few hits can go uncounted: acceptable for a rate limit (the lockout, which must be exact, is
 * event-sourced instead).
 */
export class FlexibleRateLimiter implements RateLimiter {
  private constructor(private readonly limiters: Record<RateLimitedAction, RateLimiterAbstract>) {}

  static inMemory(limits: RateLimits): FlexibleRateLimiter {
    return new FlexibleRateLimiter({
      login: new RateLimiterMemory({ keyPrefix: 'login', points: limits.loginPerMinute, duration: 60 }),
      register: new RateLimiterMemory({
        keyPrefix: 'register',
        points: limits.registerPerHour,
        duration: 3600,
      }),
    });
  }

  /** No TTL index (FerretDB rejects one): expired counters are swept by `sweepMongo`. */
  static async mongo(db: Db, limits: RateLimits): Promise<FlexibleRateLimiter> {
    await db.collection(COLLECTION).createIndex({ key: 1 }, { unique: true });
    const options = { storeClient: db, tableName: COLLECTION, disableIndexesCreation: true };
    return new FlexibleRateLimiter({
      login: new RateLimiterMongo({
        ...options,
        keyPrefix: 'login',
        points: limits.loginPerMinute,
        duration: 60,
      }),
      register: new RateLimiterMongo({
        ...options,
        keyPrefix: 'register',
        points: limits.registerPerHour,
        duration: 3600,
      }),
    });
  }

  static async sweepMongo(db: Db, now: Date): Promise<number> {
    const { deletedCount } = await db.collection(COLLECTION).deleteMany({ expire: { $lt: now } });
    return deletedCount;
  }

  async consume(action: RateLimitedAction, key: string): Promise<RateLimitDecision> {
    try {
      await this.limiters[action].consume(key);
      return { allowed: true, retryAfterSeconds: 0 };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      // The Mongo-backed limiter rejects with the driver's error during an outage: a 503, not a 500.
      if (isMongoUnavailable(rejection)) {
        throw new StoreUnavailableError('The rate-limit store is unavailable.', { cause: rejection });
      }
      throw rejection;
    }
  }
}
