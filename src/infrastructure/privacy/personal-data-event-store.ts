import type {
  AppendRequest,
  AppendResult,
  EventMetadata,
  EventStore,
  NewEvent,
  StoredEvent,
} from '../../application/ports/event-store.port.js';
import type { SecretBox } from '../../application/ports/secret-box.port.js';
import {
  PERSONAL_FIELDS,
  PERSONAL_METADATA,
  USER_ERASED,
  periodKeyId,
  periodOf,
  periodOfKeyId,
  userKeyId,
  userPeriodKeyId,
} from '../../application/privacy/personal-fields.js';
import { PERSONAL_DATA_EXPIRED, isPersonalDataExpiredData } from '../../domain/privacy/retention.events.js';
import { ForwardingEventStore } from '../event-store/forwarding-event-store.js';
import type { DataKeyRing } from './data-key-ring.js';

/**
 * Where an event's personal fields go in the stored form: the fields themselves are stored as
 * null, and this entry (in `data`, and in `metadata` for its address and user agent) holds them
 * sealed with AES-256-GCM under the data key `key`, bound to the stream and event type.
 */
export const SEALED_FIELD = 'personal';

interface Sealed {
  readonly key: string;
  readonly sealed: string;
}

const isSealed = (value: unknown): value is Sealed =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Record<string, unknown>)['key'] === 'string' &&
  typeof (value as Record<string, unknown>)['sealed'] === 'string';

const contextOf = (keyId: string, streamId: string, part: string): string =>
  `personal:v1:${keyId}:${streamId}:${part}`;

/**
 * The day of an attempt sealed by the version before retention (under the user's own key, not a
 * key of the day): it reads as expired once the retention sweep destroyed that day's key of
 * unknown identifiers, as the read models scrub that day; null for any other event.
 */
function legacyAttemptDay(event: StoredEvent): string | null {
  if (PERSONAL_FIELDS[event.type]?.expires !== true) return null;
  const sealed = event.data[SEALED_FIELD];
  if (!isSealed(sealed) || periodOfKeyId(sealed.key) !== null) return null;
  return periodOf(event.occurredAt);
}

/** The personal fields of `record` that hold a value, and the record with them set to null. */
function split(
  record: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): { readonly personal: Record<string, unknown> | null; readonly rest: Record<string, unknown> } {
  const personal: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...record };
  let found = false;
  for (const field of fields) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    personal[field] = value;
    rest[field] = null;
    found = true;
  }
  return { personal: found ? personal : null, rest };
}

/**
 * The event store as every reader and writer of the service sees it, over the store that keeps
 * the stored (sealed) form: personal fields are sealed on append and opened on read, under the
 * data key of their subject (see PERSONAL_FIELDS). One decorator, so there is still one way to
 * write an event. The hash chain is computed by the inner store over what it stores, the
 * ciphertext: destroying a key changes no stored byte, and `verify-log` (which reads the inner
 * store) passes before and after. A field whose key is gone reads as null.
 */
export class PersonalDataEventStore extends ForwardingEventStore {
  readonly readTail?: (afterPosition: number, limit: number) => Promise<StoredEvent[]>;

  constructor(
    inner: EventStore,
    private readonly keys: DataKeyRing,
  ) {
    super(inner);
    const tail = inner.readTail?.bind(inner);
    if (tail !== undefined) this.readTail = async (after, limit) => this.openAll(await tail(after, limit));
  }

  override async append(request: AppendRequest): Promise<AppendResult> {
    return this.inner.append(await this.seal(request));
  }

  override async readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, fromVersion));
  }

  override async readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.openAll(await this.inner.readAll(afterPosition, limit));
  }

  private async seal(request: AppendRequest): Promise<AppendRequest> {
    const { streamId, occurredAt } = request;
    /** Each event's key, and the key owning it (the user's, for a user's key of a day). */
    const keyOf = (event: NewEvent): { readonly keyId: string; readonly owner?: string } | null => {
      const spec = PERSONAL_FIELDS[event.type];
      const subject = spec?.subjectOf(event.data) ?? null;
      if (spec === undefined) return null;
      if (subject === null) return { keyId: periodKeyId(occurredAt) };
      if (!spec.expires) return { keyId: userKeyId(subject) };
      return { keyId: userPeriodKeyId(subject, occurredAt), owner: userKeyId(subject) };
    };
    const keys = request.events.map(keyOf);
    const sealWith = async (
      key: { readonly keyId: string; readonly owner?: string },
      part: string,
      personal: Record<string, unknown>,
    ): Promise<Sealed | null> => {
      const { keyId, owner } = key;
      const box = await this.keys.forWriting(keyId, occurredAt, owner);
      if (box === null) return null;
      const context = contextOf(keyId, streamId, part);
      return { key: keyId, sealed: box.seal(Buffer.from(JSON.stringify(personal), 'utf8'), context) };
    };
    const events = await Promise.all(
      request.events.map(async (event, i): Promise<NewEvent> => {
        const spec = PERSONAL_FIELDS[event.type];
        const key = keys[i];
        if (spec === undefined || key === undefined || key === null) return event;
        const { personal, rest } = split(event.data, spec.fields);
        if (personal === null) return event;
        const sealed = await sealWith(key, event.type, personal);
        return { ...event, data: sealed === null ? rest : { ...rest, [SEALED_FIELD]: sealed } };
      }),
    );
    const { personal, rest } = split(request.metadata as Record<string, unknown>, PERSONAL_METADATA);
    let metadata: EventMetadata = request.metadata;
    if (personal !== null) {
      // The address and agent of a request are kept like an attempt's, whatever it did: under the
      // key of the day of the user it is about (a login, a refresh, a registration), else the day.
      const userId = request.events
        .map((event) => PERSONAL_FIELDS[event.type]?.subjectOf(event.data) ?? event.data['userId'])
        .find((id): id is string => typeof id === 'string');
      const key =
        userId === undefined
          ? { keyId: periodKeyId(occurredAt) }
          : { keyId: userPeriodKeyId(userId, occurredAt), owner: userKeyId(userId) };
      const sealed = await sealWith(key, 'metadata', personal);
      const { ip: _ip, userAgent: _userAgent, ...kept } = rest as EventMetadata;
      metadata = sealed === null ? kept : { ...kept, [SEALED_FIELD]: sealed };
    }
    return { ...request, events, metadata };
  }

  private async openAll(events: StoredEvent[]): Promise<StoredEvent[]> {
    const keyIds = new Set<string>();
    const days = events.map(legacyAttemptDay);
    for (const event of events) {
      const { data, metadata } = event;
      const inData = data[SEALED_FIELD];
      const inMetadata = (metadata as Record<string, unknown>)[SEALED_FIELD];
      if (isSealed(inData)) keyIds.add(inData.key);
      if (isSealed(inMetadata)) keyIds.add(inMetadata.key);
    }
    if (keyIds.size === 0) {
      this.forgetErased(events);
      return events;
    }
    const [boxes, expiredDays] = await Promise.all([
      Promise.all([...keyIds].map(async (keyId) => [keyId, await this.keys.forReading(keyId)] as const)).then(
        (entries) => new Map<string, SecretBox | null>(entries),
      ),
      Promise.all(
        [...new Set(days.filter((day) => day !== null))].map(async (day) =>
          (await this.keys.isDestroyed(`period:${day}`)) ? day : null,
        ),
      ).then((expired) => new Set(expired.filter((day) => day !== null))),
    ]);
    const opened = events.map((event, i) => {
      const day = days[i] ?? null;
      return day !== null && expiredDays.has(day) ? this.open(event, new Map()) : this.open(event, boxes);
    });
    this.forgetErased(events);
    return opened;
  }

  /**
   * Another instance may have erased a user or expired a period: the next use of those keys asks
   * the key store.
   */
  private forgetErased(events: readonly StoredEvent[]): void {
    for (const event of events) {
      const userId = event.data['userId'];
      if (event.type === USER_ERASED && typeof userId === 'string') this.keys.markUserErased(userId);
      if (event.type === PERSONAL_DATA_EXPIRED && isPersonalDataExpiredData(event.data))
        this.keys.markPeriodExpired(event.data.period);
    }
  }

  private open(event: StoredEvent, boxes: ReadonlyMap<string, SecretBox | null>): StoredEvent {
    const { [SEALED_FIELD]: inData, ...data } = event.data;
    const { [SEALED_FIELD]: inMetadata, ...metadata } = event.metadata as Record<string, unknown>;
    if (inData === undefined && inMetadata === undefined) return event;
    const opened = (sealed: unknown, part: string): Record<string, unknown> => {
      if (!isSealed(sealed)) return {};
      const box = boxes.get(sealed.key) ?? null;
      if (box === null) return {};
      try {
        const plain = box.open(sealed.sealed, contextOf(sealed.key, event.streamId, part));
        return JSON.parse(Buffer.from(plain).toString('utf8')) as Record<string, unknown>;
      } catch {
        // Not sealed for this stream and event (a copied value) or not under this key: unreadable.
        return {};
      }
    };
    return {
      ...event,
      data: { ...data, ...opened(inData, event.type) },
      metadata: { ...metadata, ...opened(inMetadata, 'metadata') },
    };
  }
}
