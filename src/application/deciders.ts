import {
  decideClaim,
  evolveClaim,
  initialClaimState,
} from '../domain/identity-claim/identity-claim.decider.js';
import { decideSession, evolveSession, initialSessionState } from '../domain/session/session.decider.js';
import { decideUser, evolveUser, initialUserState } from '../domain/user/user.decider.js';

export const userDecider = { initialState: initialUserState, evolve: evolveUser, decide: decideUser };
export const sessionDecider = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};
export const claimDecider = { initialState: initialClaimState, evolve: evolveClaim, decide: decideClaim };
