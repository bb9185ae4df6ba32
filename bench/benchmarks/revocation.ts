/**
 * 8. Revocation bound on MongoDB (issue 16 item 3): how long after a `LoggedOut` appended by one
 * instance another instance's revocation list holds it, on a log of BENCH_REVOCATION_EVENTS
 * (default 100,000) events. Two event-store instances on their own clients (two "instances" on
 * one database); instance B runs the service's LogFollower with the revocation list as consumer,
 * as `Runtime` wires it, polling every 200 ms. The log is seeded fast by inserting commit
 * documents (and the tail collection's copies of the last ones) directly. The limit is the range query the follower
 * used before (`lastPosition > checkpoint`, sorted, limited), timed on the same log.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoEventStore } from '../../src/infrastructure/event-store/mongo-event-store.js';
import {
  commitKey,
  type CommitDocument,
} from '../../src/infrastructure/event-store/mongo-commit-document.js';
import { TAIL_KEEP } from '../../src/infrastructure/event-store/mongo-log-tail.js';
import { LogFollower } from '../../src/infrastructure/log-follower/log-follower.js';
import { RevocationList } from '../../src/infrastructure/sessions/revocation-list.js';
import { log, round, sleep } from '../support/env.js';
import { startMongo } from '../support/mongo.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';

const EVENTS = Number(process.env['BENCH_REVOCATION_EVENTS'] ?? 100_000);
const LOGOUTS = 20;
const TARGET_MS = 500;
const SEED_BATCH = 5_000;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function seed(client: MongoClient, database: string): Promise<void> {
  const db = client.db(database);
  const commits = db.collection<CommitDocument>('es_commits');
  const tail = db.collection<CommitDocument>('es_tail');
  const at = new Date();
  for (let from = 1; from <= EVENTS; from += SEED_BATCH) {
    const docs: CommitDocument[] = [];
    for (let position = from; position < Math.min(from + SEED_BATCH, EVENTS + 1); position++) {
      const streamId = `seed-${position}`;
      docs.push({
        _id: commitKey(streamId, 1),
        commitId: randomUUID(),
        streamId,
        fromVersion: 1,
        toVersion: 1,
        position,
        lastPosition: position,
        events: [{ type: 'LoginFailed', version: 1, data: { reason: 'seed', n: position } }],
        metadata: { requestId: `seed-${position}` },
        occurredAt: at,
      });
    }
    await commits.insertMany(docs, { ordered: false });
    // As the writers leave it: the last TAIL_KEEP commits copied, older ones pruned.
    const recent = docs.filter((d) => d.position > EVENTS - TAIL_KEEP);
    if (recent.length > 0)
      await tail.insertMany(
        recent.map((d) => ({ ...d })),
        { ordered: false },
      );
    log(`revocation: seeded ${Math.min(from + SEED_BATCH - 1, EVENTS)} events`);
  }
}

export const revocation: Benchmark = {
  name: 'revocation',
  title: 'Revocation across instances on MongoDB, on a large log',
  async run() {
    const mongo = await startMongo();
    const database = `bench_revocation_${Date.now()}`;
    const clients = [
      new MongoClient(mongo.uriFor(database)),
      new MongoClient(mongo.uriFor(database)),
    ] as const;
    let follower: LogFollower | null = null;
    try {
      for (const client of clients) await client.connect();
      const a = await MongoEventStore.create(clients[0].db(database));
      const b = await MongoEventStore.create(clients[1].db(database));
      const seedStarted = performance.now();
      await seed(clients[0], database);
      const seedSeconds = (performance.now() - seedStarted) / 1000;

      const head = await b.headPosition();
      log(`revocation: head ${head} read`);
      const rangeStarted = performance.now();
      await b.readAll(head, 500);
      const rangeQueryMs = performance.now() - rangeStarted;

      // A's first append reads the head from the store (a scan on FerretDB); later ones use its hint.
      await a.append({
        streamId: 'bench-warm-up',
        expectedVersion: 'any',
        events: [{ type: 'WarmedUp', data: {} }],
        metadata: {},
        occurredAt: new Date(),
      });
      log('revocation: instance A appended once');
      const list = new RevocationList(3_600_000, () => new Date(), 5_000);
      follower = new LogFollower(b, { pollIntervalMs: 200 });
      follower.add({
        name: 'revocations',
        checkpoint: () => Promise.resolve(head + 1),
        handle: (events) => {
          for (const e of events) {
            if (e.type === 'LoggedOut' && typeof e.data.sessionId === 'string')
              list.markRevoked(e.data.sessionId, e.occurredAt);
          }
          return Promise.resolve();
        },
        caughtUp: (at) => list.currentAt(at),
      });
      follower.start();
      while (!list.isCurrent()) await sleep(20);
      log(`revocation: range query ${round(rangeQueryMs, 0)} ms; follower current`);

      const latencies: number[] = [];
      for (let i = 0; i < LOGOUTS; i++) {
        const sessionId = randomUUID();
        await a.append({
          streamId: `session-${sessionId}`,
          expectedVersion: 'any',
          events: [{ type: 'LoggedOut', data: { sessionId, userId: 'bench', reason: 'logout' } }],
          metadata: {},
          occurredAt: new Date(),
        });
        const appended = performance.now();
        while (!list.isRevoked(sessionId)) {
          if (performance.now() - appended > 10_000) throw new Error('revocation not seen in 10 s');
          await sleep(2);
        }
        latencies.push(performance.now() - appended);
        log(`revocation: logout ${i + 1} seen after ${round(latencies.at(-1) ?? 0, 0)} ms`);
        // Logouts do not line up with the poll: each lands at a random point of the interval.
        await sleep(50 + Math.random() * 200);
      }
      const sorted = [...latencies].sort((x, y) => x - y);
      const median = percentile(sorted, 0.5);
      const max = sorted.at(-1) ?? Number.NaN;
      const row: Row = {
        benchmark: `8 revocation on ${mongo.isFerretDb ? 'FerretDB' : 'MongoDB'} (log of ${EVENTS.toLocaleString('en')})`,
        figure: `median ${round(median, 0)} ms, max ${round(max, 0)} ms`,
        limit: `range query ${round(rangeQueryMs, 0)} ms`,
        ratio: null,
        target: `max ≤ ${TARGET_MS} ms`,
        verdict: verdict(max <= TARGET_MS),
        details: { server: mongo.label, events: EVENTS, seedSeconds, rangeQueryMs, latenciesMs: latencies },
      };
      return { rows: [row] };
    } finally {
      await follower?.stop();
      await clients[0]
        .db(database)
        .dropDatabase()
        .catch(() => undefined);
      for (const client of clients) await client.close();
      await mongo.stop();
    }
  },
};
