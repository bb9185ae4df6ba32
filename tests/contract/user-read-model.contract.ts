import { describe, expect, it } from 'vitest';
import type { UserReadModel, UserView } from '../../src/application/ports/user-read-model.port.js';

export const userView = (seq: number, overrides: Partial<UserView> = {}): UserView => ({
  id: `user-${seq}`,
  email: `user${seq}@example.com`,
  username: `user${seq}`,
  fullName: `User ${seq}`,
  role: 'user',
  isActive: true,
  mfaEnabled: false,
  emailVerified: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  lastLoginAt: null,
  seq,
  ...overrides,
});

const saveAll = (model: UserReadModel, users: readonly UserView[]) =>
  model.save(users.map((doc) => ({ id: doc.id, doc, position: doc.seq })));

/** `create` returns an empty read model (the same storage may be reset between tests). */
export function describeUserReadModelContract(label: string, create: () => Promise<UserReadModel>): void {
  describe(`${label}: UserReadModel contract`, () => {
    it('finds a user by id, and null for an unknown id', async () => {
      const model = await create();
      const alice = userView(3, {
        email: 'alice@example.com',
        username: null,
        fullName: null,
        role: 'admin',
      });
      await saveAll(model, [alice, userView(5)]);
      expect(await model.byId('user-3')).toEqual(alice);
      expect(await model.byId('nobody')).toBeNull();
    });

    it('a user read by id reads as it is now after a change, a scrub and a reset', async () => {
      const model = await create();
      await saveAll(model, [userView(3)]);
      expect(await model.byId('user-3')).toEqual(userView(3)); // read once: an adapter may remember it
      const renamed = userView(3, { fullName: 'Renamed', seq: 4 });
      await model.save([{ id: 'user-3', doc: renamed, position: 4 }]);
      expect(await model.byId('user-3')).toEqual(renamed);
      await model.scrub({ field: 'id', equals: 'user-3' }, (doc) => ({ ...doc, fullName: null }));
      expect(await model.byId('user-3')).toEqual({ ...renamed, fullName: null });
      await model.reset();
      expect(await model.byId('user-3')).toBeNull();
    });

    it('lists users by seq ascending, page after page, with an exclusive cursor', async () => {
      const model = await create();
      // Saved out of order: the order comes from seq, not from arrival.
      await saveAll(model, [userView(6), userView(2), userView(10), userView(4), userView(8)]);
      const first = await model.search({ limit: 2 });
      expect(first).toEqual({ items: [userView(2), userView(4)], nextAfter: 4 });
      expect(await model.search({ limit: 2, after: 4 })).toEqual({
        items: [userView(6), userView(8)],
        nextAfter: 8,
      });
      expect(await model.search({ limit: 2, after: 8 })).toEqual({ items: [userView(10)], nextAfter: null });
      // Exactly the remaining count: no cursor to an empty page.
      expect(await model.search({ limit: 2, after: 6 })).toEqual({
        items: [userView(8), userView(10)],
        nextAfter: null,
      });
      expect(await model.search({ limit: 10 })).toEqual({
        items: [2, 4, 6, 8, 10].map((seq) => userView(seq)),
        nextAfter: null,
      });
      expect(await model.search({ limit: 2, after: 10 })).toEqual({ items: [], nextAfter: null });
    });

    it('filters by role, alone and with q, paging within the filter', async () => {
      const model = await create();
      await saveAll(model, [
        userView(1, { role: 'admin', email: 'root@example.com' }),
        userView(2),
        userView(3, { role: 'admin' }),
        userView(4, { role: 'admin', email: 'ops@example.org' }),
      ]);
      const first = await model.search({ role: 'admin', limit: 2 });
      expect(first.items.map((u) => u.id)).toEqual(['user-1', 'user-3']);
      expect(first.nextAfter).toBe(3);
      expect((await model.search({ role: 'admin', limit: 2, after: 3 })).items.map((u) => u.id)).toEqual([
        'user-4',
      ]);
      expect(
        (await model.search({ role: 'admin', q: 'EXAMPLE.ORG', limit: 10 })).items.map((u) => u.id),
      ).toEqual(['user-4']);
      expect((await model.search({ role: 'user', limit: 10 })).items.map((u) => u.id)).toEqual(['user-2']);
    });

    it('matches q as a case-insensitive substring of email, username or full name', async () => {
      const model = await create();
      const users = [
        userView(1, { email: 'alice@example.com', username: 'wonder', fullName: 'Alice Liddell' }),
        userView(2, { email: 'bob@example.org', username: 'BOBBY', fullName: null }),
        userView(3, { email: 'carol@example.net', username: null, fullName: 'Carol Alison' }),
      ];
      await saveAll(model, users);
      const ids = async (q: string) => (await model.search({ q, limit: 10 })).items.map((u) => u.id);
      expect(await ids('ALI')).toEqual(['user-1', 'user-3']);
      expect(await ids('bobby')).toEqual(['user-2']);
      expect(await ids('example.org')).toEqual(['user-2']);
      expect(await ids('liddell')).toEqual(['user-1']);
      expect(await ids('nobody')).toEqual([]);
      expect(await ids('')).toEqual(['user-1', 'user-2', 'user-3']);
      expect(await model.search({ q: 'example', limit: 2 })).toEqual({
        items: [users[0], users[1]],
        nextAfter: 2,
      });
      expect(await model.search({ q: 'example', limit: 2, after: 2 })).toEqual({
        items: [users[2]],
        nextAfter: null,
      });
    });

    it('treats regular-expression characters in q literally', async () => {
      const model = await create();
      await saveAll(model, [
        userView(1, { email: 'a.b+c@example.com', username: 'x(y)', fullName: 'Star * Name' }),
        userView(2, { email: 'axbbc@example.com', username: 'xy', fullName: 'Plain' }),
      ]);
      const ids = async (q: string) => (await model.search({ q, limit: 10 })).items.map((u) => u.id);
      expect(await ids('a.b+c')).toEqual(['user-1']);
      expect(await ids('.*')).toEqual([]);
      expect(await ids('x(y)')).toEqual(['user-1']);
      expect(await ids('(')).toEqual(['user-1']);
      expect(await ids('* N')).toEqual(['user-1']);
      expect(await ids('[')).toEqual([]);
      expect(await ids('\\')).toEqual([]);
    });

    it('searches the latest version of each user', async () => {
      const model = await create();
      await saveAll(model, [userView(1, { email: 'old@example.com' }), userView(2)]);
      await model.save([{ id: 'user-1', doc: userView(1, { email: 'new@example.com' }), position: 7 }]);
      expect((await model.search({ q: 'old@', limit: 10 })).items).toEqual([]);
      expect((await model.search({ q: 'new@', limit: 10 })).items).toEqual([
        userView(1, { email: 'new@example.com' }),
      ]);
      expect((await model.search({ limit: 10 })).items.map((u) => u.id)).toEqual(['user-1', 'user-2']);
    });
  });
}
