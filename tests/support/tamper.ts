/**
 * Raw edits of a store's files or collection, as someone with write access to them (not to the
 * service) would make: the attacks of issue 13 that verify-log must find.
 */
import { DatabaseSync } from 'node:sqlite';
import type { Db } from 'mongodb';
import { chainHash } from '../../src/infrastructure/event-store/hash-chain.js';

export interface Tamper {
  /** Changes one field of the event's data in place (its hash left as it was). */
  editData(position: number): Promise<void>;
  remove(position: number): Promise<void>;
  /** Moves events from `position` on one up and puts a forged event there, hashed onto position - 1. */
  insertForged(position: number, prevHash: string): Promise<void>;
  swap(a: number, b: number): Promise<void>;
  /** Deletes every event from `position` on. */
  cutFrom(position: number): Promise<void>;
  /** Makes events up to `position` look written before the chain existed. */
  stripHashes(upTo: number): Promise<void>;
  close(): Promise<void>;
}

const FORGED = { type: 'UserRoleChanged', version: 1, data: { userId: 'forged', role: 'admin' } };
const FORGED_AT = new Date('2025-01-01T00:00:00.000Z');

/* eslint-disable @typescript-eslint/require-await -- node:sqlite is synchronous; the interface is not */
export function tamperSqlite(file: string): Tamper {
  const db = new DatabaseSync(file);
  const shift = (from: number, by: number): void => {
    // Through negatives, so the primary key never collides half-way.
    db.prepare('UPDATE events SET position = -position WHERE position >= ?').run(from);
    db.prepare('UPDATE events SET position = -position + ? WHERE position < 0').run(by);
  };
  return {
    editData: async (position) => {
      db.prepare(`UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = ?`).run(position);
    },
    remove: async (position) => {
      db.prepare('DELETE FROM events WHERE position = ?').run(position);
    },
    insertForged: async (position, prevHash) => {
      shift(position, 1);
      const hash = chainHash(prevHash, {
        ...FORGED,
        streamId: 'forged',
        streamVersion: 1,
        position,
        occurredAt: FORGED_AT,
        metadata: {},
      });
      db.prepare(
        `INSERT INTO events (position, stream_id, stream_version, type, version, data, metadata, occurred_at,
                             commit_id, hash, prev_hash) VALUES (?, 'forged', 1, ?, 1, ?, '{}', ?, 'forged', ?, ?)`,
      ).run(position, FORGED.type, JSON.stringify(FORGED.data), FORGED_AT.toISOString(), hash, prevHash);
    },
    swap: async (a, b) => {
      db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a);
      db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a, b);
      db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b);
    },
    cutFrom: async (position) => {
      db.prepare('DELETE FROM events WHERE position >= ?').run(position);
    },
    stripHashes: async (upTo) => {
      db.prepare('UPDATE events SET hash = NULL, prev_hash = NULL WHERE position <= ?').run(upTo);
    },
    close: async () => {
      db.close();
    },
  };
}

/* eslint-enable @typescript-eslint/require-await */

/** Assumes one event per commit (the tests append so), so a commit's position is its event's. */
export function tamperMongo(db: Db, collection = 'es_commits'): Tamper {
  const commits = db.collection<Record<string, unknown> & { _id: string }>(collection);
  const at = async (position: number) => {
    const found = await commits.findOne({ position });
    if (found === null) throw new Error(`no commit at ${position}`);
    return found;
  };
  const MOVED = [
    'commitId',
    'streamId',
    'fromVersion',
    'toVersion',
    'events',
    'metadata',
    'occurredAt',
    'prevHash',
    'lastHash',
  ];
  const pick = (doc: Record<string, unknown>) => Object.fromEntries(MOVED.map((key) => [key, doc[key]]));
  return {
    editData: async (position) => {
      await commits.updateOne({ _id: (await at(position))._id }, { $set: { 'events.0.data.tampered': 1 } });
    },
    remove: async (position) => {
      await commits.deleteOne({ _id: (await at(position))._id });
    },
    insertForged: async (position, prevHash) => {
      const later = await commits
        .find({ position: { $gte: position } })
        .sort({ position: -1 })
        .toArray();
      for (const doc of later) {
        await commits.updateOne(
          { _id: doc._id },
          { $set: { position: Number(doc['position']) + 1, lastPosition: Number(doc['lastPosition']) + 1 } },
        );
      }
      const hash = chainHash(prevHash, {
        ...FORGED,
        streamId: 'forged',
        streamVersion: 1,
        position,
        occurredAt: FORGED_AT,
        metadata: {},
      });
      await commits.insertOne({
        _id: 'forged#0000000001',
        commitId: 'forged',
        streamId: 'forged',
        fromVersion: 1,
        toVersion: 1,
        position,
        lastPosition: position,
        events: [{ ...FORGED, hash }],
        metadata: {},
        occurredAt: FORGED_AT,
        prevHash,
        lastHash: hash,
      });
    },
    swap: async (a, b) => {
      const [first, second] = [await at(a), await at(b)];
      // Via a placeholder, so the unique indexes never see two equal keys.
      await commits.updateOne({ _id: first._id }, { $set: { commitId: 'swap-tmp', streamId: 'swap-tmp' } });
      await commits.updateOne({ _id: second._id }, { $set: pick(first) });
      await commits.updateOne({ _id: first._id }, { $set: pick(second) });
    },
    cutFrom: async (position) => {
      await commits.deleteMany({ position: { $gte: position } });
    },
    stripHashes: async (upTo) => {
      for (const doc of await commits.find({ position: { $lte: upTo } }).toArray()) {
        const { prevHash: _prev, lastHash: _last, ...rest } = doc;
        const events = (doc['events'] as Record<string, unknown>[]).map(({ hash: _hash, ...event }) => event);
        await commits.replaceOne({ _id: doc._id }, { ...rest, events });
      }
    },
    close: async () => {},
  };
}
