import type { Page, PageRequest } from '../../application/pagination.js';
import { HttpProblem } from './problem.js';

/** Opaque to clients; inside it is the list key to continue after. */
export const encodeCursor = (after: number | null): string | null =>
  after === null ? null : Buffer.from(JSON.stringify({ a: after })).toString('base64url');

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'a' in parsed && Number.isSafeInteger(parsed.a)) {
      return parsed.a as number;
    }
  } catch {
    // falls through to the problem below
  }
  throw new HttpProblem(422, 'Validation failed', 'The cursor is not valid.', {
    errors: [{ field: 'cursor', message: 'is not a cursor this API returned' }],
  });
}

/** The page request of a `{limit, cursor}` query. */
export const pageRequestOf = (query: { limit: number; cursor?: string | undefined }): PageRequest => ({
  limit: query.limit,
  after: decodeCursor(query.cursor),
});

/** The wire page of API.md: `{items, next_cursor}`. */
export const presentPage = <T, W>(page: Page<T>, present: (item: T) => W) => ({
  items: page.items.map(present),
  next_cursor: encodeCursor(page.nextAfter),
});
