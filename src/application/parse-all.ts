import { DomainError, type FieldProblem } from '../domain/shared/domain-error.js';

type Parsers = Record<string, () => unknown>;
type Parsed<P extends Parsers> = { [K in keyof P]: ReturnType<P[K]> };

/** Runs every domain parser and reports all field problems at once rather than the first. */
export function parseAll<P extends Parsers>(parsers: P): Parsed<P> {
  const problems: FieldProblem[] = [];
  const result: Record<string, unknown> = {};
  for (const [key, parse] of Object.entries(parsers)) {
    try {
      result[key] = parse();
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'validation_failed') throw error;
      problems.push(...error.fieldProblems);
    }
  }
  if (problems.length > 0) {
    throw new DomainError('validation_failed', 'The request has invalid fields.', problems);
  }
  return result as Parsed<P>;
}
