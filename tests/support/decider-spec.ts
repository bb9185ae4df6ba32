import { expect } from 'vitest';
import { decisionOf, type Decider } from '../../src/domain/shared/decider.js';
import { DomainError, type DomainErrorCode } from '../../src/domain/shared/domain-error.js';
import type { DomainEvent } from '../../src/domain/shared/event.js';

const AT = new Date('2026-01-01T00:00:00Z');

/** given(past events) → when(command) → then(new events) | thenFails(code), as in Emmett's specs. */
export function deciderSpec<Command, Event extends DomainEvent, State, Outcome>(
  decider: Decider<Command, Event, State, Outcome>,
) {
  return {
    given(history: readonly Event[]) {
      const state = history.reduce(
        (s, e) => decider.evolve(s, { ...e, occurredAt: AT }),
        decider.initialState(),
      );
      return {
        when(command: Command) {
          return {
            then(expected: readonly Event[], outcome?: Outcome): void {
              const decided = decisionOf(decider.decide(command, state));
              expect(decided.events).toEqual(expected);
              expect(decided.outcome).toEqual(outcome);
            },
            thenFails(code: DomainErrorCode): void {
              let thrown: unknown;
              try {
                decider.decide(command, state);
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
            },
          };
        },
      };
    },
  };
}
