import { describe, expect, it } from 'vitest';
import type { SessionReadModel, SessionView } from '../../src/application/ports/session-read-model.port.js';

export const sessionView = (seq: number, overrides: Partial<SessionView> = {}): SessionView => ({
  id: `session-${seq}`,
  userId: 'user-a',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastRefreshedAt: null,
  expiresAt: '2026-01-08T00:00:00.000Z',
  ip: '10.0.0.1',
  userAgent: 'test',
  revokedAt: null,
  revokedReason: null,
  seq,
  ...overrides,
});

const saveAll = (model: SessionReadModel, sessions: readonly SessionView[]) =>
  model.save(sessions.map((doc) => ({ id: doc.id, doc, position: doc.seq })));

const NOW = new Date('2026-01-05T00:00:00.000Z');

export function describeSessionReadModelContract(
  label: string,
  create: () => Promise<SessionReadModel>,
): void {
  describe(`${label}: SessionReadModel contract`, () => {
    it('finds a session by id, and null for an unknown id', async () => {
      const model = await create();
      const session = sessionView(4, {
        lastRefreshedAt: '2026-01-02T00:00:00.000Z',
        ip: null,
        userAgent: null,
      });
      await saveAll(model, [session]);
      expect(await model.byId('session-4')).toEqual(session);
      expect(await model.byId('session-5')).toBeNull();
    });

    it("lists a user's sessions that are neither revoked nor expired, newest first, in pages", async () => {
      const model = await create();
      await saveAll(model, [
        sessionView(1),
        sessionView(2, { userId: 'user-b' }),
        sessionView(3, { revokedAt: '2026-01-03T00:00:00.000Z', revokedReason: 'user' }),
        sessionView(4),
        sessionView(5, { expiresAt: '2026-01-04T23:59:59.999Z' }),
        // Expiring exactly now is expired.
        sessionView(6, { expiresAt: NOW.toISOString() }),
        sessionView(7, { expiresAt: '2026-01-05T00:00:00.001Z' }),
        sessionView(8),
      ]);
      expect(await model.activeOf('user-a', NOW, { limit: 2 })).toEqual({
        items: [sessionView(8), sessionView(7, { expiresAt: '2026-01-05T00:00:00.001Z' })],
        nextAfter: 7,
      });
      expect(await model.activeOf('user-a', NOW, { limit: 2, after: 7 })).toEqual({
        items: [sessionView(4), sessionView(1)],
        nextAfter: null,
      });
      expect(await model.activeOf('user-a', NOW, { limit: 1, after: 4 })).toEqual({
        items: [sessionView(1)],
        nextAfter: null,
      });
      expect(await model.activeOf('user-b', NOW, { limit: 5 })).toEqual({
        items: [sessionView(2, { userId: 'user-b' })],
        nextAfter: null,
      });
      expect(await model.activeOf('user-c', NOW, { limit: 5 })).toEqual({ items: [], nextAfter: null });
    });

    it('drops a session from the active list once a newer version revokes it', async () => {
      const model = await create();
      await saveAll(model, [sessionView(1), sessionView(2)]);
      const revoked = sessionView(1, { revokedAt: '2026-01-04T00:00:00.000Z', revokedReason: 'logout-all' });
      await model.save([{ id: 'session-1', doc: revoked, position: 9 }]);
      expect(await model.activeOf('user-a', NOW, { limit: 5 })).toEqual({
        items: [sessionView(2)],
        nextAfter: null,
      });
      expect(await model.byId('session-1')).toEqual(revoked);
    });

    it('lists sessions revoked at or after a given instant', async () => {
      const model = await create();
      await saveAll(model, [
        sessionView(1, { revokedAt: '2026-01-01T00:00:00.000Z', revokedReason: 'user' }),
        sessionView(2, { revokedAt: '2026-01-03T00:00:00.000Z', revokedReason: 'admin' }),
        sessionView(3),
        sessionView(4, { userId: 'user-b', revokedAt: '2026-01-04T12:00:00.000Z', revokedReason: 'reuse' }),
      ]);
      const revoked = await model.revokedSince(new Date('2026-01-03T00:00:00.000Z'));
      expect([...revoked].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'session-2', revokedAt: '2026-01-03T00:00:00.000Z' },
        { id: 'session-4', revokedAt: '2026-01-04T12:00:00.000Z' },
      ]);
      expect(await model.revokedSince(new Date('2026-01-05T00:00:00.000Z'))).toEqual([]);
    });
  });
}
