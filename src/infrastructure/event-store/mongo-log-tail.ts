/**
 * The log's tail in a small collection, for FerretDB. Its SQLite backend answers every query,
 * `_id` lookups included, by scanning the table (explain: `SCAN`, ~0.3 s per lookup at 100,000
 * commits on the test machine), so "anything after position p?" costs time in the log's size.
 * Each commit is also copied into `<prefix>tail`, which keeps only the last TAIL_KEEP commits: a
 * follower near the head queries that collection, whatever the log's size.
 *
 * A copy is written right after its commit. A writer that dies in between leaves one missing: the
 * next writer that reads the head from the store copies it, and a read that finds a gap in the
 * tail reads the commits collection instead (slow but exact). Copies never decide anything (the
 * commit's unique position index does), and a read stops at the first gap: it never returns a
 * position while a smaller one may still appear.
 */
import type { Collection } from 'mongodb';
import type { CommitDocument } from './mongo-commit-document.js';

/**
 * Commits kept in the tail collection: well over a poll interval's worth of appends on FerretDB
 * (tens per second), and small, because each poll scans all of it there. Measured with
 * `npm run bench -- revocation`: 2,000 kept made a poll cost ~270 ms (revocation median 423 ms,
 * max 1,238); 250 bring it to ~40 ms (median 142 ms, max 352). A follower further behind than
 * this reads the commits collection, a scan (~20 s at 100,000 commits) that catches it up.
 */
export const TAIL_KEEP = 250;
/** A writer prunes the tail once every this many positions. */
const PRUNE_EVERY = 25;

export class MongoLogTail {
  constructor(private readonly tail: Collection<CommitDocument>) {}

  /** Idempotent; a failure is left to the repairs described above (the commit is what counts). */
  async copy(commit: CommitDocument): Promise<void> {
    await this.tail
      .insertOne({ ...commit })
      // A duplicate: copied already. Anything else: repaired later, as said above.
      .catch(() => undefined);
    if (Math.floor(commit.lastPosition / PRUNE_EVERY) > Math.floor((commit.position - 1) / PRUNE_EVERY)) {
      await this.tail
        .deleteMany({ lastPosition: { $lt: commit.lastPosition - TAIL_KEEP } })
        .catch(() => undefined);
    }
  }

  /**
   * The commits after position `after`, contiguous from the one holding `after + 1`, at most
   * `limit`; null when the tail does not start at or before `after + 1` (a gap, or pruned).
   */
  async after(after: number, limit: number): Promise<CommitDocument[] | null> {
    const commits = await this.tail
      .find({ lastPosition: { $gt: after } })
      .sort({ lastPosition: 1 })
      .limit(limit)
      .toArray();
    const contiguous: CommitDocument[] = [];
    let next = after + 1;
    for (const commit of commits) {
      if (commit.position > next) break;
      contiguous.push(commit);
      next = commit.lastPosition + 1;
    }
    return commits.length > 0 && contiguous.length === 0 ? null : contiguous;
  }
}
