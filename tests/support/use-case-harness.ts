/**
 * Use cases as the composition root wires them, over the embedded event store in a temp dir, with
 * no HTTP: given events (appended as another writer would), when a use case runs, then the events it
 * appended. The unit tier runs these without a build, MongoDB or Go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventStore, StoredEvent } from '../../src/application/ports/event-store.port.js';
import { KEYED_HASH, type KeyedHash } from '../../src/application/ports/keyed-hash.port.js';
import { claimStreamId, type ClaimKind } from '../../src/domain/identity-claim/identity-claim.events.js';
import type { RequestContext } from '../../src/application/request-context.js';
import type { UseCases } from '../../src/application/use-cases.js';
import type { DomainEvent } from '../../src/domain/shared/event.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { createLogger } from '../../src/infrastructure/logging/pino-logger.js';
import { Runtime } from '../../src/infrastructure/runtime/runtime.js';

export const PASSWORD = 'correct horse battery staple';

export interface UseCaseHarness {
  readonly useCases: UseCases;
  readonly store: EventStore;
  /** The claim stream of a normalised email or username: named by its keyed hash. */
  claimStream(kind: ClaimKind, value: string): string;
  /** A request context with a fresh request id. */
  ctx(overrides?: Partial<RequestContext>): RequestContext;
  /** Appends events to a stream at whatever version it is at, as another writer would have. */
  given(streamId: string, events: readonly DomainEvent[], at?: Date): Promise<void>;
  /** Runs `when` and returns exactly the events it appended, in position order. (Not `then`: that would make the harness a thenable.) */
  appendedBy(when: () => Promise<unknown>): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

export async function useCaseHarness(env: Record<string, string> = {}): Promise<UseCaseHarness> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'use-case-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PASSWORD_HASHER: 'scrypt-test',
    LOG_LEVEL: 'silent',
    JWT_ISSUER: 'http://auth.test',
    DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_REGISTER_PER_HOUR: '1000000',
    ...env,
  });
  const runtime = await Runtime.boot(config, createLogger(config.logLevel, { pretty: false }));
  await runtime.start();
  const store = runtime.storage.eventStore;
  let request = 0;
  const eventsAfter = async (position: number): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await store.readAll(position, 500);
      events.push(...page);
      const last = page.at(-1);
      if (last === undefined) return events;
      position = last.position;
    }
  };
  return {
    useCases: runtime.useCases,
    store,
    claimStream: (kind, value) =>
      claimStreamId(
        kind,
        runtime.wiring.container.resolve<KeyedHash>(KEYED_HASH).digest(`claim-${kind}`, value),
      ),
    ctx: (overrides = {}) => ({
      requestId: `req-${++request}`,
      ip: '203.0.113.7',
      userAgent: 'use-case-spec',
      ...overrides,
    }),
    async given(streamId, events, at = new Date()) {
      const version = (await store.readStream(streamId)).length;
      await store.append({
        streamId,
        expectedVersion: version,
        events: events.map((event) => ({ type: event.type, data: event.data as Record<string, unknown> })),
        metadata: { requestId: 'given' },
        occurredAt: at,
      });
    },
    async appendedBy(when) {
      const before = await store.headPosition();
      await when();
      // Refusals are aggregated in memory; flushing makes them part of what the command wrote.
      await runtime.flushRefusals();
      return eventsAfter(before);
    },
    async close() {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const typesOf = (events: readonly StoredEvent[]): string[] => events.map((event) => event.type);
