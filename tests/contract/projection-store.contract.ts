import { describe, expect, it } from 'vitest';
import type { DocChange, ProjectionStore } from '../../src/application/ports/projection-store.port.js';

export interface ProjectionStoreFixture<Doc extends object> {
  /** An empty store; each call may return the same storage, reset. */
  create(): Promise<ProjectionStore<Doc>>;
  /** A document for `id`; different `version`s give different documents. */
  sample(id: string, version: number): Doc;
}

/** The write side every read model adapter shares: what the projection runner relies on. */
export function describeProjectionStoreContract<Doc extends object>(
  label: string,
  fixture: ProjectionStoreFixture<Doc>,
): void {
  const change = (id: string, version: number, position: number): DocChange<Doc> => ({
    id,
    doc: fixture.sample(id, version),
    position,
  });
  const positioned = (id: string, version: number, position: number) => ({
    doc: fixture.sample(id, version),
    position,
  });

  describe(`${label}: ProjectionStore contract`, () => {
    it('starts empty at checkpoint 0', async () => {
      const store = await fixture.create();
      expect(await store.checkpoint()).toBe(0);
      expect(await store.load(['a', 'b'])).toEqual(new Map());
      expect(await store.load([])).toEqual(new Map());
    });

    it('loads exactly the saved documents asked for, with their positions', async () => {
      const store = await fixture.create();
      await store.save([change('a', 1, 3), change('b', 1, 4), change('c', 1, 5)]);
      expect(await store.load(['a', 'c', 'missing'])).toEqual(
        new Map([
          ['a', positioned('a', 1, 3)],
          ['c', positioned('c', 1, 5)],
        ]),
      );
    });

    it('replaces a document with a change at a higher position', async () => {
      const store = await fixture.create();
      await store.save([change('a', 1, 3)]);
      await store.save([change('a', 2, 8)]);
      expect(await store.load(['a'])).toEqual(new Map([['a', positioned('a', 2, 8)]]));
    });

    it('ignores changes at or below the stored position, and still applies the rest of the batch', async () => {
      const store = await fixture.create();
      await store.save([change('a', 2, 8), change('b', 1, 4)]);
      // A replay after a crash: the same position, an older one, mixed with fresh changes.
      await store.save([change('a', 3, 8), change('a', 1, 3), change('b', 2, 9), change('c', 1, 10)]);
      expect(await store.load(['a', 'b', 'c'])).toEqual(
        new Map([
          ['a', positioned('a', 2, 8)],
          ['b', positioned('b', 2, 9)],
          ['c', positioned('c', 1, 10)],
        ]),
      );
    });

    it('keeps the newest of several changes to one document in one batch, whatever their order', async () => {
      const store = await fixture.create();
      await store.save([change('a', 3, 12), change('a', 2, 11), change('b', 1, 5), change('b', 2, 6)]);
      expect(await store.load(['a', 'b'])).toEqual(
        new Map([
          ['a', positioned('a', 3, 12)],
          ['b', positioned('b', 2, 6)],
        ]),
      );
    });

    it('accepts an empty batch', async () => {
      const store = await fixture.create();
      await store.save([]);
      expect(await store.load(['a'])).toEqual(new Map());
    });

    it('saves and reads back the checkpoint', async () => {
      const store = await fixture.create();
      await store.saveCheckpoint(42);
      expect(await store.checkpoint()).toBe(42);
      await store.saveCheckpoint(57);
      expect(await store.checkpoint()).toBe(57);
    });

    it("scrub by userId replaces exactly the user's documents, keeping their positions", async () => {
      const store = await fixture.create();
      const of = (id: string, userId: string): Doc => ({ ...fixture.sample(id, 1), userId });
      const scrub = (doc: Doc): Doc => ({ ...doc, scrubbed: true });
      await store.save([
        { id: 'a', doc: of('a', 'u-erased'), position: 3 },
        { id: 'b', doc: of('b', 'u-kept'), position: 4 },
        { id: 'c', doc: of('c', 'u-erased'), position: 5 },
      ]);
      await store.scrub({ field: 'userId', equals: 'u-erased' }, scrub);
      expect(await store.load(['a', 'b', 'c'])).toEqual(
        new Map([
          ['a', { doc: scrub(of('a', 'u-erased')), position: 3 }],
          ['b', { doc: of('b', 'u-kept'), position: 4 }],
          ['c', { doc: scrub(of('c', 'u-erased')), position: 5 }],
        ]),
      );
      // The position guard still holds: a replay changes nothing, a newer change applies.
      await store.save([
        { id: 'a', doc: of('a', 'u-erased'), position: 3 },
        { id: 'c', doc: of('c', 'u-erased'), position: 6 },
      ]);
      const after = await store.load(['a', 'c']);
      expect(after.get('a')).toEqual({ doc: scrub(of('a', 'u-erased')), position: 3 });
      expect(after.get('c')).toEqual({ doc: of('c', 'u-erased'), position: 6 });
    });

    it('scrub by a time range replaces exactly the documents of that day, bounds included and excluded', async () => {
      const store = await fixture.create();
      const at = (id: string, occurredAt: string): Doc => ({ ...fixture.sample(id, 1), occurredAt });
      const scrub = (doc: Doc): Doc => ({ ...doc, scrubbed: true });
      const docs = {
        before: at('before', '2026-02-28T23:59:59.999Z'),
        first: at('first', '2026-03-01T00:00:00.000Z'),
        last: at('last', '2026-03-01T23:59:59.999Z'),
        after: at('after', '2026-03-02T00:00:00.000Z'),
      };
      await store.save(Object.entries(docs).map(([id, doc], i) => ({ id, doc, position: i + 1 })));
      await store.scrub({ field: 'occurredAt', from: '2026-03-01', before: '2026-03-02' }, scrub);
      const loaded = await store.load(Object.keys(docs));
      expect(
        Object.fromEntries([...loaded].map(([id, { doc, position }]) => [id, { doc, position }])),
      ).toEqual({
        before: { doc: docs.before, position: 1 },
        first: { doc: scrub(docs.first), position: 2 },
        last: { doc: scrub(docs.last), position: 3 },
        after: { doc: docs.after, position: 4 },
      });
      // A field name is never SQL or a query operator.
      await expect(store.scrub({ field: "x') OR 1=1 --", equals: 'a' }, scrub)).rejects.toThrow(
        /not a document field/,
      );
    });

    it('reset drops every document and the checkpoint, and the store is usable again', async () => {
      const store = await fixture.create();
      await store.save([change('a', 2, 8), change('b', 1, 4)]);
      await store.saveCheckpoint(8);
      await store.reset();
      expect(await store.checkpoint()).toBe(0);
      expect(await store.load(['a', 'b'])).toEqual(new Map());
      // After a reset, low positions are accepted again: the rebuild starts from 0.
      await store.save([change('a', 1, 1)]);
      expect(await store.load(['a'])).toEqual(new Map([['a', positioned('a', 1, 1)]]));
    });
  });
}
