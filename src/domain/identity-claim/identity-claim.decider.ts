import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/decider.js';
import type { Recorded } from '../shared/event.js';
import type { ClaimEvent, ClaimKind } from './identity-claim.events.js';

export interface ClaimState {
  readonly ownerId: string | null;
  readonly claimedAt: Date | null;
}

export type ClaimCommand =
  | {
      readonly type: 'Claim';
      readonly kind: ClaimKind;
      readonly value: string;
      readonly userId: string;
      /**
       * Whether the current owner (if any, and not the claimant) really holds the value: its user
       * exists and still has it. The caller finds out from the owner's stream.
       */
      readonly ownerHoldsIt: boolean;
    }
  | { readonly type: 'Release'; readonly kind: ClaimKind; readonly value: string; readonly userId: string };

export const initialClaimState = (): ClaimState => ({ ownerId: null, claimedAt: null });

export function evolveClaim(state: ClaimState, event: Recorded<ClaimEvent>): ClaimState {
  switch (event.type) {
    case 'IdentifierClaimed':
      return { ownerId: event.data.userId, claimedAt: event.occurredAt };
    case 'IdentifierReleased':
      return state.ownerId === event.data.userId ? { ownerId: null, claimedAt: null } : state;
  }
}

/**
 * A claim always appends, even when the claimant already owns the value: the append at the
 * expected version is what serialises racing claimants.
 */
export function decideClaim(command: ClaimCommand, state: ClaimState): ClaimEvent[] {
  const { kind, value, userId } = command;
  if (command.type === 'Release') {
    return state.ownerId === userId ? [{ type: 'IdentifierReleased', data: { kind, value, userId } }] : [];
  }
  if (state.ownerId !== null && state.ownerId !== userId && command.ownerHoldsIt) {
    throw new DomainError(
      kind === 'email' ? 'email_taken' : 'username_taken',
      kind === 'email' ? 'An account with this email already exists.' : 'This username is already taken.',
    );
  }
  return [{ type: 'IdentifierClaimed', data: { kind, value, userId } }];
}

export const claimDecider: Decider<ClaimCommand, ClaimEvent, ClaimState> = {
  initialState: initialClaimState,
  evolve: evolveClaim,
  decide: decideClaim,
};
