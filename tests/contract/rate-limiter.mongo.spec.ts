import type { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMongo } from '../../src/infrastructure/mongo/mongo-connection.js';
import {
  MongoRateLimiter,
  RATE_LIMITS_COLLECTION,
} from '../../src/infrastructure/rate-limiting/mongo-rate-limiter.js';
import { mongoServerLabel, useTestDatabase, type TestDatabase } from '../support/mongo.js';
import { describeRateLimiterContract } from './rate-limiter.contract.js';

const databases: TestDatabase[] = [];
const clients: MongoClient[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
  for (const database of databases) await database.drop();
});

describeRateLimiterContract(`MongoRateLimiter on ${mongoServerLabel()}`, async (limits, now) => {
  const database = await useTestDatabase('rl');
  databases.push(database);
  // The other instance has its own client (own pool), as a second process would.
  const { client, db } = await connectMongo(database.uri, { appName: 'contract-other' });
  clients.push(client);
  return {
    limiter: MongoRateLimiter.create(database.db, limits, now),
    other: MongoRateLimiter.create(db, limits, now),
  };
});

describe(`MongoRateLimiter sweep on ${mongoServerLabel()}`, () => {
  it('deletes the places of windows that have ended, and only those', async () => {
    const database = await useTestDatabase('rlsweep');
    databases.push(database);
    let now = new Date('2026-03-01T10:00:10.000Z');
    const limiter = MongoRateLimiter.create(
      database.db,
      { loginPerMinute: 5, registerPerHour: 5 },
      () => now,
    );
    await limiter.consume('login', 'a');
    await limiter.consume('register', 'a');
    now = new Date('2026-03-01T10:01:00.000Z');
    await limiter.consume('login', 'a');
    expect(await MongoRateLimiter.sweep(database.db, now)).toBe(1);
    expect(await database.db.collection(RATE_LIMITS_COLLECTION).countDocuments()).toBe(2);
  });
});
