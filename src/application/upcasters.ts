import type { EventData, StoredEvent } from './ports/event-store.port.js';

type Upcaster = (data: EventData) => EventData;

/**
 * Old schema versions are upcast on read; stored events are never rewritten. To change an event's
 * data, bump the version its producer writes and add `[type]: { [oldVersion]: old → next }` here.
 */
const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {};

export const CURRENT_VERSIONS: Readonly<Record<string, number>> = {};

export function upcast(event: StoredEvent): StoredEvent {
  const steps = UPCASTERS[event.type];
  if (steps === undefined) return event;
  let { data, version } = event;
  for (let step = steps[version]; step !== undefined; step = steps[version]) {
    data = step(data);
    version += 1;
  }
  return { ...event, data, version };
}
