import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/application/ports/event-store.port.js';
import { MongoEventStore } from '../../src/infrastructure/event-store/mongo-event-store.js';
import { connectMongo, databaseNameFromUri } from '../../src/infrastructure/mongo/mongo-connection.js';
import { freePort } from '../support/free-port.js';
import { mongoServerLabel, useTestDatabase } from '../support/mongo.js';
import { describeEventStoreChainContract } from './event-store-chain.contract.js';
import { describeEventStoreContract } from './event-store.contract.js';

const mongoSubject = async () => {
  const database = await useTestDatabase('es');
  const extraClients: MongoClient[] = [];
  return {
    store: await MongoEventStore.create(database.db),
    // Another instance: its own client (own pool, own position hint) opened the way the service does.
    other: async () => {
      const { client, db } = await connectMongo(database.uri, { appName: 'contract-other' });
      extraClients.push(client);
      return MongoEventStore.create(db);
    },
    cleanup: async () => {
      for (const client of extraClients) await client.close();
      await database.drop();
    },
  };
};
describeEventStoreContract(`MongoEventStore on ${mongoServerLabel()}`, mongoSubject);
describeEventStoreChainContract(`MongoEventStore on ${mongoServerLabel()}`, mongoSubject);

describe('MongoEventStore when the server is unreachable', () => {
  it('fails with StoreUnavailableError carrying the driver error', async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${await freePort()}/x`, {
      serverSelectionTimeoutMS: 300,
    });
    const store = new MongoEventStore(client.db('x'));
    try {
      const error = await store.readAll(0, 10).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
    } finally {
      await client.close();
    }
  });
});

describe('connectMongo', () => {
  it('takes the database name from the URI path, defaulting to auth', () => {
    expect(databaseNameFromUri('mongodb://127.0.0.1:27017')).toBe('auth');
    expect(databaseNameFromUri('mongodb://127.0.0.1:27017/')).toBe('auth');
    expect(databaseNameFromUri('mongodb://127.0.0.1:27017/?w=1')).toBe('auth');
    expect(databaseNameFromUri('mongodb://u:p@a:1,b:2/accounts?replicaSet=rs')).toBe('accounts');
    expect(databaseNameFromUri('mongodb+srv://cluster.example.com/prod')).toBe('prod');
  });

  it('connects to the database named in the URI', async () => {
    const database = await useTestDatabase('conn');
    const { client, db } = await connectMongo(database.uri);
    try {
      expect(db.databaseName).toBe(database.dbName);
      await db.collection<{ _id: string }>('probe').insertOne({ _id: 'x' });
      expect(await database.db.collection('probe').countDocuments()).toBe(1);
    } finally {
      await client.close();
      await database.drop();
    }
  });

  it('fails with StoreUnavailableError when no server answers', async () => {
    const uri = `mongodb://127.0.0.1:${await freePort()}`;
    await expect(connectMongo(uri, { serverSelectionTimeoutMS: 300 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});

describe(`MongoEventStore.readTail, the follower's read (${mongoServerLabel()})`, () => {
  it('returns what readAll returns from any position, also mid-commit and after a lost marker', async () => {
    const database = await useTestDatabase('tail');
    try {
      const store = await MongoEventStore.create(database.db);
      const at = new Date('2026-05-01T00:00:00.000Z');
      const append = (streamId: string, types: string[]) =>
        store.append({
          streamId,
          expectedVersion: 'any',
          events: types.map((type) => ({ type, data: {} })),
          metadata: {},
          occurredAt: at,
        });
      await append('a', ['A1']);
      await append('b', ['B1', 'B2', 'B3']);
      await append('a', ['A2']);
      const positions = (events: readonly { position: number }[]) => events.map((e) => e.position);
      for (let after = 0; after <= 5; after++) {
        expect(positions(await store.readTail(after, 100)), `after ${after}`).toEqual(
          positions(await store.readAll(after, 100)),
        );
      }
      expect(positions(await store.readTail(1, 2))).toEqual([2, 3]);
      expect(positions(await store.readTail(5, 100))).toEqual([]);
      // A writer that died between its commit and its tail copy: readers still see it (from the
      // commits), and the next append copies it.
      await database.db.collection('es_tail').deleteMany({ position: { $gte: 6 } });
      await append('c', ['C1']);
      const other = await MongoEventStore.create(database.db);
      await other.append({
        streamId: 'd',
        expectedVersion: 'any',
        events: [{ type: 'D1', data: {} }],
        metadata: {},
        occurredAt: at,
      });
      expect(positions(await store.readTail(5, 100))).toEqual([6, 7]);
      expect(await database.db.collection('es_tail').countDocuments({ position: 6 })).toBe(1);
    } finally {
      await database.drop();
    }
  });
});
