import { describe, expect, it } from 'vitest';
import type {
  LoginAttemptFilter,
  LoginAttemptReadModel,
  LoginAttemptView,
} from '../../src/application/ports/login-attempt-read-model.port.js';
import type { Page } from '../../src/application/pagination.js';
import { LOGIN_OUTCOMES } from '../../src/domain/login-attempt/login-attempt.events.js';

const BASE = Date.parse('2026-03-01T00:00:00.000Z');
const USERS = ['u-1', 'u-2', null] as const;
const IDENTIFIERS = ['alice', 'bob@example.com', 'ghost'] as const;
const IPS = ['10.0.0.1', '10.0.0.2', null] as const;

/**
 * The i-th attempt of a deterministic trail: every field cycles with a different period so that
 * filters cut it differently, and every seventh clock reading is skewed backwards so that time
 * filters must look at `occurredAt`, not at `seq`.
 */
export function attempt(i: number): LoginAttemptView {
  const outcome = LOGIN_OUTCOMES[i % LOGIN_OUTCOMES.length] ?? 'success';
  const minutes = i % 7 === 0 ? i - 3 : i;
  return {
    id: `attempt-${i}`,
    occurredAt: new Date(BASE + minutes * 60_000).toISOString(),
    outcome,
    userId: USERS[i % USERS.length] ?? null,
    identifier: IDENTIFIERS[i % 4 === 0 ? 2 : i % 2] ?? 'ghost',
    ip: IPS[Math.floor(i / 2) % IPS.length] ?? null,
    userAgent: i % 5 === 0 ? null : `agent-${i % 3}`,
    count: 1,
    secondFactor: null,
    sessionId: outcome === 'success' ? `session-${i}` : null,
    seq: 10 + i * 3,
  };
}

const minute = (m: number): Date => new Date(BASE + m * 60_000);

const matches = (a: LoginAttemptView, f: LoginAttemptFilter): boolean =>
  (f.userId === undefined || a.userId === f.userId) &&
  (f.identifier === undefined || a.identifier === f.identifier) &&
  (f.outcome === undefined || a.outcome === f.outcome) &&
  (f.ip === undefined || a.ip === f.ip) &&
  (f.from === undefined || Date.parse(a.occurredAt) >= f.from.getTime()) &&
  (f.to === undefined || Date.parse(a.occurredAt) < f.to.getTime());

/** The reference answer: the match, newest first. */
const expected = (trail: readonly LoginAttemptView[], filter: LoginAttemptFilter): LoginAttemptView[] =>
  trail.filter((a) => matches(a, filter)).sort((a, b) => b.seq - a.seq);

/** The exact pages a correct model returns for `match` with `limit`. */
function pagesOf(match: readonly LoginAttemptView[], limit: number): Page<LoginAttemptView>[] {
  const pages: Page<LoginAttemptView>[] = [];
  for (let start = 0; start < match.length || pages.length === 0; start += limit) {
    const items = match.slice(start, start + limit);
    const more = start + limit < match.length;
    pages.push({ items, nextAfter: more ? (items[items.length - 1]?.seq ?? null) : null });
  }
  return pages;
}

async function walk(model: LoginAttemptReadModel, filter: LoginAttemptFilter, limit: number) {
  const pages: Page<LoginAttemptView>[] = [];
  let after: number | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await model.query(filter, { limit, after });
    pages.push(page);
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  return pages;
}

async function collect(stream: AsyncIterable<LoginAttemptView>): Promise<LoginAttemptView[]> {
  const all: LoginAttemptView[] = [];
  for await (const item of stream) all.push(item);
  return all;
}

const saveAll = (model: LoginAttemptReadModel, attempts: readonly LoginAttemptView[]) =>
  model.save(attempts.map((doc) => ({ id: doc.id, doc, position: doc.seq })));

const FILTERS: readonly [string, LoginAttemptFilter][] = [
  ['no filter', {}],
  ['userId', { userId: 'u-1' }],
  ['identifier', { identifier: 'ghost' }],
  ['outcome', { outcome: 'invalid_credentials' }],
  ['ip', { ip: '10.0.0.2' }],
  ['from (inclusive)', { from: minute(30) }],
  ['to (exclusive)', { to: minute(20) }],
  ['from and to', { from: minute(10), to: minute(40) }],
  ['several fields at once', { userId: 'u-2', identifier: 'bob@example.com', ip: '10.0.0.1' }],
  [
    'every field',
    {
      userId: 'u-1',
      identifier: 'alice',
      outcome: 'success',
      ip: '10.0.0.1',
      from: minute(0),
      to: minute(60),
    },
  ],
  ['an unknown user', { userId: 'nobody' }],
  ['an unknown address', { ip: '192.0.2.1' }],
];

export function describeLoginAttemptReadModelContract(
  label: string,
  create: () => Promise<LoginAttemptReadModel>,
): void {
  describe(`${label}: LoginAttemptReadModel contract`, () => {
    const trail = Array.from({ length: 60 }, (_, i) => attempt(i));

    it('pages through every filter newest first, exactly, without overlap or gap', async () => {
      const model = await create();
      // Saved in a scrambled order: the lists are ordered by seq, not by arrival.
      await saveAll(model, [...trail.slice(30), ...trail.slice(0, 30).reverse()]);
      for (const [name, filter] of FILTERS) {
        const match = expected(trail, filter);
        for (const limit of [4, 7, match.length === 0 ? 1 : match.length]) {
          expect({ name, limit, pages: await walk(model, filter, limit) }).toEqual({
            name,
            limit,
            pages: pagesOf(match, limit),
          });
        }
      }
      // The fixture really exercises the filters: each one keeps some attempts and drops others.
      for (const [name, filter] of FILTERS) {
        const kept = expected(trail, filter).length;
        if (name.startsWith('an unknown')) expect({ name, kept }).toEqual({ name, kept: 0 });
        else if (name === 'no filter') expect(kept).toBe(trail.length);
        else expect({ name, kept: kept > 0 && kept < trail.length }).toEqual({ name, kept: true });
      }
    });

    it('bounds time ranges by occurredAt: from inclusive, to exclusive', async () => {
      const model = await create();
      await saveAll(model, trail);
      // attempt 21 happened at minute 18 (a skewed clock), attempt 18 at minute 18 too.
      const at18 = (await model.query({ from: minute(18), to: minute(19) }, { limit: 10 })).items.map(
        (a) => a.id,
      );
      expect(at18).toEqual(['attempt-21', 'attempt-18']);
      expect((await model.query({ from: minute(19), to: minute(19) }, { limit: 10 })).items).toEqual([]);
      expect((await model.query({ to: minute(1) }, { limit: 10 })).items.map((a) => a.id)).toEqual([
        'attempt-0',
      ]);
    });

    it('keeps a cursor stable while newer attempts arrive between page requests', async () => {
      const model = await create();
      await saveAll(model, trail);
      const filter: LoginAttemptFilter = { identifier: 'alice' };
      const before = expected(trail, filter);
      const first = await model.query(filter, { limit: 4 });
      expect(first).toEqual(pagesOf(before, 4)[0]);

      const newer = Array.from({ length: 9 }, (_, k) => ({ ...attempt(61 + k), identifier: 'alice' }));
      await saveAll(model, newer);
      const rest = [first];
      let after = first.nextAfter;
      while (after !== null) {
        const page = await model.query(filter, { limit: 4, after });
        rest.push(page);
        after = page.nextAfter;
      }
      expect(rest.flatMap((page) => page.items)).toEqual(before);

      // A fresh first page starts with the newcomers.
      const fresh = await model.query(filter, { limit: 9 });
      expect(fresh).toEqual({ items: [...newer].reverse(), nextAfter: newer[0]?.seq });
    });

    it('streams exactly the whole match, newest first, across fetch batches', async () => {
      const model = await create();
      const long = Array.from({ length: 1203 }, (_, i) => attempt(i));
      await saveAll(model, long);
      for (const filter of [
        {},
        { ip: '10.0.0.1' },
        { outcome: 'locked' as const, from: minute(100) },
        { userId: 'nobody' },
      ]) {
        const streamed = await collect(model.stream(filter));
        expect(streamed.length).toBe(expected(long, filter).length);
        expect(streamed).toEqual(expected(long, filter));
      }
    });

    it('stops a stream the consumer leaves early', async () => {
      const model = await create();
      await saveAll(model, trail);
      const firstThree: string[] = [];
      for await (const item of model.stream({})) {
        firstThree.push(item.id);
        if (firstThree.length === 3) break;
      }
      expect(firstThree).toEqual(['attempt-59', 'attempt-58', 'attempt-57']);
    });
  });
}
