/**
 * Appending to the MongoDB event store: one commit document inserted at the next global position
 * (research/eventstore-mongo.md §2.3). The unique indexes decide every race; a duplicate-key error
 * is disambiguated by looking documents up, never by parsing its message (FerretDB's names no
 * index).
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { AsyncLock } from '../../application/concurrency/async-lock.js';
import { jitteredBackoff, type BackoffPolicy } from '../../application/concurrency/backoff.js';
import {
  ConcurrencyError,
  StoreUnavailableError,
  type AppendRequest,
  type AppendResult,
  type ExpectedVersion,
} from '../../application/ports/event-store.port.js';
import { satisfies } from './append-rules.js';
import { chainHashes, GENESIS_HASH } from './hash-chain.js';
import {
  asJson,
  commitKey,
  isDuplicateKey,
  type CommitDocument,
  type CommitEvent,
  type Head,
} from './mongo-commit-document.js';
import type { MongoCommitReads } from './mongo-commit-reads.js';
import type { MongoLogTail } from './mongo-log-tail.js';

/** Up to 1, 2, 4 … 32 ms, random: two instances that collided should not collide again in step. */
const POSITION_RACE_BACKOFF: BackoffPolicy = { baseMs: 1, maxMs: 32 };

export type Appended = AppendResult & { readonly written: boolean };

export class MongoCommitAppender {
  /** Serialises this process's position claims, so its own appends never race each other. */
  private readonly positionLock = new AsyncLock();
  /**
   * The highest position this process has seen committed: a hint for the next insert, never a
   * reservation. A stale hint only costs a duplicate-key error and a re-read.
   */
  private headHint: Head | undefined;

  constructor(
    private readonly commits: Collection<CommitDocument>,
    private readonly reads: MongoCommitReads,
    private readonly maxAttempts: number,
    /** Null where the log's tail is read from the commits (not FerretDB). */
    private readonly logTail: () => MongoLogTail | null,
  ) {}

  /** Drops the position hint (the server went away: it may have changed meanwhile). */
  forgetHead(): void {
    this.headHint = undefined;
  }

  async append(request: AppendRequest): Promise<Appended> {
    const { streamId, expectedVersion } = request;
    const commitId = request.commitId ?? randomUUID();
    const events = request.events.map((event): CommitEvent => ({
      type: event.type,
      version: event.version ?? 1,
      data: asJson(event.data),
    }));
    const metadata = asJson(request.metadata);

    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const current = await this.streamVersionFor(streamId, expectedVersion);
      if (!satisfies(expectedVersion, current)) {
        // A retry of an append that already succeeded sees the stream past its expectation.
        const previous = await this.reads.previousResult(request.commitId);
        if (previous !== undefined) return previous;
        throw new ConcurrencyError(streamId, expectedVersion, current);
      }

      const inserted = await this.positionLock.run(() =>
        this.tryInsert(request.occurredAt, {
          _id: commitKey(streamId, current + 1),
          commitId,
          streamId,
          fromVersion: current + 1,
          toVersion: current + events.length,
          events,
          metadata,
          occurredAt: request.occurredAt,
        }),
      );
      if (inserted !== undefined) return { ...inserted, written: true };

      // Duplicate key. Which constraint? Look, in this order: our own commit (an idempotent
      // retry), then the stream (someone appended first), else only the position was taken.
      const [previous, streamMoved] = await Promise.all([
        this.reads.previousResult(request.commitId),
        this.reads.commitExists(streamId, current + 1),
      ]);
      if (previous !== undefined) return previous;
      if (streamMoved) {
        // 'any' and 'stream_exists' still hold against the new head: just try again.
        if (expectedVersion !== 'any' && expectedVersion !== 'stream_exists') {
          throw new ConcurrencyError(streamId, expectedVersion, await this.reads.streamVersion(streamId));
        }
      } else {
        await jitteredBackoff(attempt, POSITION_RACE_BACKOFF);
      }
    }
    throw new StoreUnavailableError(
      `Append to ${streamId} lost the race for a global position ${this.maxAttempts} times.`,
    );
  }

  /**
   * Inserts the commit at the next global position. Returns undefined on a duplicate key (after
   * forgetting the position hint, which may be what was stale).
   */
  private async tryInsert(
    occurredAt: Date,
    commit: Omit<CommitDocument, 'position' | 'lastPosition' | 'prevHash' | 'lastHash'>,
  ): Promise<AppendResult | undefined> {
    const head = this.headHint ?? (await this.reads.head());
    // The head's writer may have died before its tail copy: write it for them (a no-op normally).
    if (head.commit !== undefined) await this.logTail()?.copy(head.commit);
    const position = head.position + 1;
    const lastPosition = head.position + commit.events.length;
    const prevHash = head.hash ?? GENESIS_HASH;
    const hashes = chainHashes(
      prevHash,
      commit.events.map((event, index) => ({
        ...event,
        streamId: commit.streamId,
        streamVersion: commit.fromVersion + index,
        position: position + index,
        occurredAt,
        metadata: commit.metadata,
      })),
    );
    const events = commit.events.map((event, index) => ({ ...event, hash: hashes[index] ?? '' }));
    const lastHash = hashes.at(-1) ?? prevHash;
    try {
      await this.commits.insertOne({ ...commit, events, position, lastPosition, prevHash, lastHash });
    } catch (error) {
      this.headHint = undefined;
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
    // Before the append returns: a follower woken by it finds the copy.
    await this.logTail()?.copy({ ...commit, events, position, lastPosition, prevHash, lastHash });
    // Only ever our own commit: the next one in the store necessarily starts right after it.
    this.headHint = { position: lastPosition, hash: lastHash };
    return { nextExpectedVersion: commit.toVersion, position: lastPosition };
  }

  /**
   * The stream version to build on. For 'no_stream' (or 0) it is 0 without a read: every stream's
   * first commit has fromVersion 1, so an existing stream makes the insert collide anyway.
   */
  private streamVersionFor(streamId: string, expected: ExpectedVersion): Promise<number> {
    return expected === 'no_stream' || expected === 0
      ? Promise.resolve(0)
      : this.reads.streamVersion(streamId);
  }
}
