import { usageChecked } from './errors.js';

/** Argument parsers shared by commands: each failure is a usage error (exit 2) with one line. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const uuid = usageChecked((raw: string) => {
  if (!UUID.test(raw)) throw new Error('must be a UUID');
  return raw.toLowerCase();
});

export const isoDate = usageChecked((raw: string) => {
  // Only ISO-8601 (a date, or a date and time): Date.parse alone would accept "1" or "May 5".
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)) {
    throw new Error('must be an ISO-8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z');
  }
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw new Error('is not a valid date');
  return at;
});
