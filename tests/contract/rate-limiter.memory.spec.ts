import { InMemoryRateLimiter } from '../../src/infrastructure/rate-limiting/in-memory-rate-limiter.js';
import { describeRateLimiterContract } from './rate-limiter.contract.js';

// One process: the "other instance" is the same limiter.
describeRateLimiterContract('InMemoryRateLimiter', (limits, now) =>
  Promise.resolve({ limiter: new InMemoryRateLimiter(limits, now) }),
);
