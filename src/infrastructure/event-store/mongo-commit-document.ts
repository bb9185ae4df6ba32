/**
 * The MongoDB event store's storage layout: one commit document per append (research
 * /eventstore-mongo.md §2.2), its `_id`, and how it expands back into stored events.
 */
import { MongoError } from 'mongodb';
import type { EventData, EventMetadata, StoredEvent } from '../../application/ports/event-store.port.js';

/** One append: the unit of atomicity, concurrency control and idempotency. */
export interface CommitDocument {
  /** `commitKey(streamId, fromVersion)`. */
  _id: string;
  /** The caller's idempotency key, or a fresh UUID. */
  commitId: string;
  streamId: string;
  /** Stream version of the first event; unique per stream. */
  fromVersion: number;
  /** Stream version of the last event. */
  toVersion: number;
  /** Global position of the first event; unique, dense across commits. */
  position: number;
  /** Global position of the last event (position + events.length - 1). */
  lastPosition: number;
  events: CommitEvent[];
  /** Shared by every event of the commit. */
  metadata: EventMetadata;
  occurredAt: Date;
  /** Hash of position - 1 (64 zeros where the chain starts); absent in commits from before it. */
  prevHash?: string;
  /** Hash of the last event, so reading the head needs no array projection. */
  lastHash?: string;
}

export interface CommitEvent {
  type: string;
  version: number;
  data: EventData;
  hash?: string;
}

/** The last committed position and its hash (null before the chain began, or when empty). */
export interface Head {
  readonly position: number;
  readonly hash: string | null;
  /** The commit that holds it, when read from the store. */
  readonly commit?: CommitDocument;
}

const DUPLICATE_KEY = 11000;

/** Sorts like the versions and cannot collide: a fixed-width suffix after the stream id. */
export function commitKey(streamId: string, fromVersion: number): string {
  return `${streamId}#${String(fromVersion).padStart(10, '0')}`;
}

export function expandCommit(commit: CommitDocument): StoredEvent[] {
  return commit.events.map((event, index) => ({
    type: event.type,
    version: event.version,
    streamId: commit.streamId,
    streamVersion: commit.fromVersion + index,
    position: commit.position + index,
    occurredAt: commit.occurredAt,
    data: event.data,
    metadata: commit.metadata,
    hash: event.hash ?? null,
    prevHash:
      event.hash === undefined
        ? null
        : index === 0
          ? (commit.prevHash ?? null)
          : (commit.events[index - 1]?.hash ?? null),
  }));
}

/**
 * Stores exactly what JSON would: undefined properties dropped (the driver would write null),
 * Dates as ISO strings. Both stores then return the same data.
 */
export function asJson<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoError && error.code === DUPLICATE_KEY;
}
