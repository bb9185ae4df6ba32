import type { Collection } from 'mongodb';
import type { AppendResult, StoredEvent } from '../../application/ports/event-store.port.js';
import { commitKey, expandCommit, type CommitDocument, type Head } from './mongo-commit-document.js';

/** The queries of the MongoDB event store: streams, the log in position order, the head. */
export class MongoCommitReads {
  constructor(
    private readonly commits: Collection<CommitDocument>,
    /** On FerretDB, stream reads walk commits by `_id` (see `walkStream`). */
    private readonly walkStreams: () => boolean,
  ) {}

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
    // Each commit holds at least one event past `afterPosition`, so `limit` commits are enough.
    // Sorting by lastPosition (same order as position) lets one index serve filter and sort.
    const commits = await this.commits
      .find({ lastPosition: { $gt: afterPosition } })
      .sort({ lastPosition: 1 })
      .limit(Math.trunc(limit))
      .toArray();
    return commits
      .flatMap(expandCommit)
      .filter((event) => event.position > afterPosition)
      .slice(0, limit);
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
    const last = await this.commits.findOne<Pick<CommitDocument, 'lastPosition' | 'lastHash'>>(
      {},
      { sort: { position: -1 }, projection: { _id: 0, lastPosition: 1, lastHash: 1 } },
    );
    return { position: last?.lastPosition ?? 0, hash: last?.lastHash ?? null };
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
