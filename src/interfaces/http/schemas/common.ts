import { z } from 'zod';

/** Generous bounds on raw input; the domain applies the real rules (and names the field). */
export const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size.' }),
  cursor: text(200).optional().meta({ description: 'The `next_cursor` of the previous page.' }),
});

export const uuidParam = z.string().uuid('must be a UUID');
