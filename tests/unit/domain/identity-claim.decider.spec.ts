import { describe, it } from 'vitest';
import { claimDecider } from '../../../src/domain/identity-claim/identity-claim.decider.js';
import type { ClaimEvent } from '../../../src/domain/identity-claim/identity-claim.events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(claimDecider);
const claimed = (userId: string): ClaimEvent => ({
  type: 'IdentifierClaimed',
  data: { kind: 'email', value: 'a@example.com', userId },
});
const claim = (userId: string, ownerHoldsIt: boolean) =>
  ({ type: 'Claim', kind: 'email', value: 'a@example.com', userId, ownerHoldsIt }) as const;

describe('identity claim decider', () => {
  it('claims a free value', () => {
    spec
      .given([])
      .when(claim('u-1', false))
      .then([claimed('u-1')]);
  });

  it('refuses a value its owner still holds', () => {
    spec
      .given([claimed('u-1')])
      .when(claim('u-2', true))
      .thenFails('email_taken');
  });

  it('takes over a value its owner no longer holds', () => {
    spec
      .given([claimed('u-1')])
      .when(claim('u-2', false))
      .then([claimed('u-2')]);
  });

  it('re-claims for the owner, so racing claimants still conflict on the stream version', () => {
    spec
      .given([claimed('u-1')])
      .when(claim('u-1', true))
      .then([claimed('u-1')]);
  });

  it('releases only for the owner', () => {
    const release = (userId: string) =>
      ({ type: 'Release', kind: 'email', value: 'a@example.com', userId }) as const;
    spec
      .given([claimed('u-1')])
      .when(release('u-1'))
      .then([{ type: 'IdentifierReleased', data: { kind: 'email', value: 'a@example.com', userId: 'u-1' } }]);
    spec
      .given([claimed('u-1')])
      .when(release('u-2'))
      .then([]);
  });

  it('a released value is free again', () => {
    spec
      .given([
        claimed('u-1'),
        { type: 'IdentifierReleased', data: { kind: 'email', value: 'a@example.com', userId: 'u-1' } },
      ])
      .when(claim('u-2', true))
      .then([claimed('u-2')]);
  });
});
