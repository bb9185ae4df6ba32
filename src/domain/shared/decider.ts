import type { DomainEvent, Recorded } from './event.js';

/** What a decider answers when the caller must learn more than the events (e.g. "reused"). */
export interface Decision<Event, Outcome> {
  readonly events: Event[];
  readonly outcome: Outcome;
}

/** Emmett's shape: one object per aggregate, pure, `[]` meaning "nothing to do". */
export interface Decider<Command, Event extends DomainEvent, State, Outcome = never> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Recorded<Event>) => State;
  readonly decide: (command: Command, state: State) => Event[] | Decision<Event, Outcome>;
}

export const decisionOf = <Event, Outcome>(
  answer: Event[] | Decision<Event, Outcome>,
): { readonly events: Event[]; readonly outcome: Outcome | undefined } =>
  Array.isArray(answer) ? { events: answer, outcome: undefined } : answer;
