import type { z } from 'zod';
import { HttpProblem, type FieldError } from './problem.js';

const fieldOf = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? 'body' : path.map(String).join('.');

/** Parses input at the edge; inside, values are already valid. Every bad field is named. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: fieldOf(issue.path),
    message: issue.message,
  }));
  throw new HttpProblem(422, 'Validation failed', 'The request has invalid fields.', { errors });
}
