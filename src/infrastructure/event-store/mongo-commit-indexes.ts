import type { Collection } from 'mongodb';
import { detectServerKind } from '../mongo/server-kind.js';
import type { CommitDocument } from './mongo-commit-document.js';

/**
 * Creates the commit collection's indexes (idempotent) and says whether stream reads should walk
 * commits by `_id` (FerretDB, which serves no other lookup without a full scan).
 */
export async function createCommitIndexes(
  commits: Collection<CommitDocument>,
): Promise<{ readonly walkStreams: boolean }> {
  // One index per command: FerretDB 1.24.2 drops the connection (a server-side panic) when a
  // createIndexes with several indexes finds them all existing, e.g. a second instance starting.
  await commits.createIndex({ streamId: 1, fromVersion: 1 }, { name: 'stream_version_unique', unique: true });
  await commits.createIndex({ position: 1 }, { name: 'position_unique', unique: true });
  await commits.createIndex({ commitId: 1 }, { name: 'commit_id_unique', unique: true });
  const walkStreams = (await detectServerKind(commits.db)) === 'ferretdb';
  // readAll's range scan; ascending lastPosition is the same order as ascending position.
  await commits.createIndex({ lastPosition: 1 }, { name: 'last_position' });
  return { walkStreams };
}
