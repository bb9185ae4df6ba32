import type { Decider } from '../shared/decider.js';
import type { DomainEvent } from '../shared/event.js';

/**
 * A reset asked for an address that has no account: recorded (who asked is in the metadata) so
 * the trail shows probing, without the address itself, which belongs to nobody we know. One
 * stream per request, so the append costs what the registered address's append costs.
 */
export type PasswordResetForUnknownAddress = DomainEvent<
  'PasswordResetForUnknownAddress',
  { readonly requestId: string }
>;
export const unknownResetStreamId = (requestId: string): string => `password-reset-unknown-${requestId}`;

export const unknownResetDecider: Decider<
  { readonly requestId: string },
  PasswordResetForUnknownAddress,
  null
> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: (command) => [{ type: 'PasswordResetForUnknownAddress', data: { requestId: command.requestId } }],
};
