/**
 * Issue 6, Faults 1: the MongoDB server dies under load and comes back. The service (a real process
 * from dist/) runs on a FerretDB of this test's own, which the test SIGKILLs and restarts on the
 * same port and data directory.
 */
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  call,
  describeOutcome,
  expectAcknowledgedInStore,
  expectMongoReadModelsEqualRebuild,
  FAULT_ENV,
  openedMongoLog,
  readAllEvents,
  sleep,
  Traffic,
  unexpectedOutcomes,
  waitForCheckpoints,
  type Kind,
  type Outcome,
} from '../support/fault-harness.js';
import { isMailRecord } from '../support/events.js';
import { startFerretDbProcess, type FerretDbProcess } from '../support/ferretdb-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** A request still unanswered after this is a hang, which fails the test. */
const REQUEST_TIMEOUT_MS = 20_000;
const OUTAGE_MS = 12_000;

async function pollFor(
  what: string,
  probe: () => Promise<Outcome>,
  done: (o: Outcome) => boolean,
  timeoutMs: number,
): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  let last: Outcome | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await sleep(250);
  }
  throw new Error(
    `${what} within ${timeoutMs} ms; last: ${last === undefined ? 'none' : describeOutcome(last)}`,
  );
}

describe('store outage: the MongoDB server is killed under load and restarted', () => {
  let ferret: FerretDbProcess | undefined;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await ferret?.dispose();
  });

  it('answers 503 problem+json while it is down, recovers without a restart, and loses nothing acknowledged', async () => {
    ferret = await startFerretDbProcess();
    const uri = `${ferret.uri}/fault_outage`;
    server = await startServerProcess({ ...FAULT_ENV, MONGODB_URI: uri });
    const service = server;
    const base = service.baseUrl;
    const traffic = new Traffic([base], REQUEST_TIMEOUT_MS);
    for (let i = 0; i < 3; i++) await traffic.register();
    for (let i = 0; i < 3; i++) await traffic.login();
    expect(traffic.acks).toHaveLength(6);

    traffic.start(6);
    await sleep(2_000);
    const killedAt = Date.now();
    await ferret.kill();

    // Readiness says so (the store check has a 2 s budget); liveness does not.
    const notReady = await pollFor(
      '/health/ready did not answer 503',
      () => call(base, '/health/ready', { timeoutMs: REQUEST_TIMEOUT_MS }),
      (o) => o.status === 503,
      15_000,
    );
    expect(notReady.ms).toBeLessThan(5_000);
    expect((await call(base, '/health/live')).status).toBe(200);
    await sleep(Math.max(0, killedAt + OUTAGE_MS - Date.now()));
    expect(service.child.exitCode, 'the service must survive the outage').toBeNull();

    const restartedAt = Date.now();
    await ferret.restart();
    // Recovery without restarting the service: ready again, and every kind of request succeeds.
    await pollFor(
      '/health/ready did not answer 200 after the restart',
      () => call(base, '/health/ready', { timeoutMs: REQUEST_TIMEOUT_MS }),
      (o) => o.status === 200,
      60_000,
    );
    const recovered = (): boolean =>
      (['register', 'login', 'refresh', 'me'] as Kind[]).every((kind) =>
        traffic.between(restartedAt, Infinity, kind).some((o) => o.status >= 200 && o.status < 300),
      );
    for (const deadline = Date.now() + 60_000; !recovered();) {
      if (Date.now() > deadline)
        throw new Error('registrations, logins, refreshes and reads did not all succeed again within 60 s');
      await sleep(250);
    }
    await traffic.stop();
    expect(service.child.exitCode).toBeNull();

    const all = traffic.outcomes.map((o) => o.outcome);
    const during = traffic.between(killedAt, restartedAt);
    const summary = `${all.length} requests, ${during.length} during the outage; statuses ${JSON.stringify(countBy(all.map((o) => o.status)))}`;
    // No hang, no 500, no dropped connection: 2xx, or 503 problem+json with Retry-After.
    const bad = unexpectedOutcomes(all, new Set([200, 201, 503]));
    // The error log of each 500, with the route its access-log line names, for the report.
    const lines = service.output().split('\n');
    const routeOf = (requestId: string): string =>
      /"route":"([^"]*)"/.exec(
        lines.find((l) => l.includes(requestId) && l.includes('"msg":"request"')) ?? '',
      )?.[1] ?? '?';
    const unhandled = lines
      .filter((line) => line.includes('"msg":"unhandled error"'))
      .map((line) => {
        const requestId = /"requestId":"([^"]+)"/.exec(line)?.[1] ?? '';
        const stack = /"stack":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line;
        return `${routeOf(requestId)}: ${stack.split('\\n').slice(0, 6).join(' | ')}`;
      });
    expect(bad.map(describeOutcome), `${summary}\nthe service logged:\n${unhandled.join('\n')}`).toEqual([]);
    // The outage must have been seen: by requests in flight at the kill or started during it.
    expect(all.filter((o) => o.status === 503).length, `no 503 at all: ${summary}`).toBeGreaterThan(0);
    for (const o of all.filter((x) => x.status === 503)) expect(o.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
    expect(unhandled).toEqual([]);

    // Every acknowledged request has its events; the read models equal a rebuild from zero.
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const db = client.db();
      const store = await openedMongoLog(db);
      const head = await store.headPosition();
      await waitForCheckpoints(db, head);
      expect(await service.stop(), 'graceful shutdown after the outage').toBe(0);
      const events = await readAllEvents(store);
      // No gap up to the head; the stop itself adds the shutdown audit checkpoint after `head`, and
      // the mail sender may still record the last registrations' verification mails.
      expect(events).toHaveLength(await store.headPosition());
      const afterHead = events.slice(head).map((e) => e.type);
      expect(afterHead.filter((type) => !isMailRecord(type))).toEqual(['AuditCheckpointSigned']);
      expectAcknowledgedInStore(traffic.acks, events);
      await expectMongoReadModelsEqualRebuild(db, events);
    } finally {
      await client.close();
    }
  }, 240_000);
});

function countBy(values: readonly number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
