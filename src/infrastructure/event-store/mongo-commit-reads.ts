import type { Collection } from 'mongodb';
import type { AppendResult, StoredEvent } from '../../application/ports/event-store.port.js';
import { commitKey, expandCommit, type CommitDocument, type Head } from './mongo-commit-document.js';
import type { MongoLogTail } from './mongo-log-tail.js';

export class MongoCommitReads {
  constructor(
    private readonly commits: Collection<CommitDocument>,
    /** On FerretDB, stream reads walk commits by `_id` (see `walkStream`). */
    private readonly walkStreams: () => boolean,
    private readonly logTail: MongoLogTail,
  ) {}

  /**
   * The end of the last range query that reached the head (fewer events than asked). From there
   * on the tail collection has every commit a writer of this version appended; before it, the
   * commits collection must be read (a log written before the tail existed, a far-behind reader).
   */
  private caughtUpTo = Number.POSITIVE_INFINITY;

  async stream(streamId: string, fromVersion: number): Promise<StoredEvent[]> {
    const commits = this.walkStreams()
      ? await this.walkStream(streamId)
      : await this.commits
          .find({ streamId, toVersion: { $gte: fromVersion } })
          .sort({ fromVersion: 1 })
          .toArray();
    return commits.flatMap(expandCommit).filter((event) => event.streamVersion >= fromVersion);
  }

  async all(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    if (limit <= 0) return [];
    const commits = await this.scanCommits(afterPosition, limit);
    const events = commits
      .flatMap(expandCommit)
      .filter((event) => event.position > afterPosition)
      .slice(0, limit);
    if (events.length < limit) {
      const reached = events.at(-1)?.position ?? afterPosition;
      this.caughtUpTo =
        this.caughtUpTo === Number.POSITIVE_INFINITY ? reached : Math.min(this.caughtUpTo, reached);
    }
    return events;
  }

  /**
   * The log's tail for a follower: on FerretDB from the small tail collection (mongo-log-tail.ts)
   * once this reader has been at the head; otherwise, or at a gap in the tail, the range query.
   * May return fewer events than exist, never a gap.
   */
  async tail(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    if (limit <= 0) return [];
    if (!this.walkStreams() || afterPosition < this.caughtUpTo) return this.all(afterPosition, limit);
    const commits = await this.logTail.after(afterPosition, Math.trunc(limit));
    if (commits === null) return this.all(afterPosition, limit);
    return commits
      .flatMap(expandCommit)
      .filter((event) => event.position > afterPosition)
      .slice(0, limit);
  }

  private scanCommits(afterPosition: number, limit: number): Promise<CommitDocument[]> {
    return this.commits
      .find({ lastPosition: { $gt: afterPosition } })
      .sort({ lastPosition: 1 })
      .limit(Math.trunc(limit))
      .toArray();
  }

  async streamVersion(streamId: string): Promise<number> {
    if (this.walkStreams()) return (await this.walkStream(streamId, { toVersion: 1 })).at(-1)?.toVersion ?? 0;
    const head = await this.commits.findOne<Pick<CommitDocument, 'toVersion'>>(
      { streamId },
      { sort: { fromVersion: -1 }, projection: { _id: 0, toVersion: 1 } },
    );
    return head?.toVersion ?? 0;
  }

  async head(): Promise<Head> {
    // The whole document: a writer may have to copy it into the tail (mongo-log-tail.ts).
    const last = await this.commits.findOne({}, { sort: { position: -1 } });
    if (last === null) return { position: 0, hash: null };
    return { position: last.lastPosition, hash: last.lastHash ?? null, commit: last };
  }

  /** Whether a commit starts the stream at this version. */
  async commitExists(streamId: string, fromVersion: number): Promise<boolean> {
    const found = await this.commits.findOne(
      { _id: commitKey(streamId, fromVersion) },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /** What an earlier append with this idempotency key returned, if one was stored. */
  async previousResult(
    commitId: string | undefined,
  ): Promise<(AppendResult & { readonly written: false }) | undefined> {
    if (commitId === undefined) return undefined; // a fresh UUID cannot have been stored before
    const previous = await this.commits.findOne<Pick<CommitDocument, 'toVersion' | 'lastPosition'>>(
      { commitId },
      { projection: { _id: 0, toVersion: 1, lastPosition: 1 } },
    );
    return previous === null
      ? undefined
      : { nextExpectedVersion: previous.toVersion, position: previous.lastPosition, written: false };
  }

  /**
   * A stream's commits in order, one `_id` lookup each: version 1's commit, then the one starting
   * after it, until none. Cheaper on FerretDB than one query that scans the whole collection.
   */
  private async walkStream<P extends Partial<Record<keyof CommitDocument, 1>>>(
    streamId: string,
    projection?: P,
  ): Promise<CommitDocument[]> {
    const commits: CommitDocument[] = [];
    for (let next = 1; ;) {
      const commit = await this.commits.findOne(
        { _id: commitKey(streamId, next) },
        projection === undefined ? {} : { projection },
      );
      if (commit === null) return commits;
      commits.push(commit);
      next = commit.toVersion + 1;
    }
  }
}
