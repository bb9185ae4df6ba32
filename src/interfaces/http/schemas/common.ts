import { z } from 'zod';

/** Generous bounds on raw input; the domain applies the real rules (and names the field). */
export const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/*
 * The domain's rules, stated for the OpenAPI document only (`.meta` never changes validation):
 * the edge keeps its generous bounds and the domain answers 422 naming the field.
 */
export const newPasswordText = text(1024).meta({
  minLength: 8,
  maxLength: 128,
  pattern: '\\S',
  description:
    '8 to 128 characters (code points), not only white space. All of it counts: nothing is truncated.',
});

export const usernameText = text(64).meta({
  pattern: '^\\s*[A-Za-z0-9_.-]{3,32}\\s*$',
  description: '3 to 32 of letters, digits, "_", "." and "-" (surrounding white space is trimmed).',
  examples: ['alice'],
});

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size.' }),
  cursor: text(200).optional().meta({ description: 'The `next_cursor` of the previous page.' }),
});

export const uuidParam = z.string().uuid('must be a UUID');

export const userPath = z.object({ id: uuidParam.meta({ description: 'User id.' }) });
export const sessionPath = z.object({ id: uuidParam.meta({ description: 'Session id.' }) });
