/** The parts of the event-store port's semantics that every adapter applies the same way. */
import type { AppendRequest, ExpectedVersion } from '../../application/ports/event-store.port.js';

/** Whether a stream at `current` (0 = no stream) satisfies the expectation. A number 0 means "no stream". */
export function satisfies(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 0;
    case 'stream_exists':
      return current > 0;
    default:
      return current === expected;
  }
}

export function validateAppend(request: AppendRequest): void {
  if (request.events.length === 0) throw new RangeError('An append needs at least one event.');
  const expected = request.expectedVersion;
  if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new RangeError(`Invalid expected version ${expected}.`);
  }
}

export function notify(listeners: ReadonlySet<(position: number) => void>, position: number): void {
  for (const listener of listeners) {
    try {
      listener(position);
    } catch {
      // A listener is a wake-up hint; its failure is its own and must not fail a committed append.
    }
  }
}
