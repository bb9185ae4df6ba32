import { describe, expect, it } from 'vitest';
import { isRegistered, sessionEndedByUser, userDecider } from '../../../src/domain/user/user.decider.js';
import type { Email } from '../../../src/domain/user/email.js';
import type { Username } from '../../../src/domain/user/username.js';
import type { UserEvent } from '../../../src/domain/user/user.events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(userDecider);
const userId = 'u-1';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: {
    userId,
    email: 'a@example.com',
    username: 'alice',
    fullName: 'Alice',
    passwordHash: 'h1',
    role: 'user',
  },
};

describe('user decider', () => {
  it('registers a new user', () => {
    spec
      .given([])
      .when({
        type: 'RegisterUser',
        userId,
        email: 'a@example.com' as Email,
        username: 'alice' as Username,
        fullName: 'Alice',
        passwordHash: 'h1',
        role: 'user',
      })
      .then([registered]);
  });

  it('refuses to register the same user twice', () => {
    spec
      .given([registered])
      .when({
        type: 'RegisterUser',
        userId,
        email: 'a@example.com' as Email,
        username: null,
        fullName: null,
        passwordHash: 'h',
        role: 'user',
      })
      .thenFails('email_taken');
  });

  it('erases a user once; afterwards nothing happens to the account any more', () => {
    const erased: UserEvent = {
      type: 'UserErased',
      data: { userId, actorId: 'admin-1', reason: 'admin' },
    };
    spec.given([registered]).when({ type: 'Erase', actorId: 'admin-1', reason: 'admin' }).then([erased]);
    spec
      .given([registered, erased])
      .when({ type: 'Erase', actorId: userId, reason: 'user-request' })
      .then([]);
    spec.given([registered, erased]).when({ type: 'Reactivate' }).thenFails('user_erased');
    spec
      .given([registered, erased])
      .when({ type: 'ChangeEmail', email: 'b@example.com' as Email })
      .thenFails('user_erased');
    spec.given([]).when({ type: 'Erase', actorId: 'admin-1', reason: 'admin' }).thenFails('user_not_found');
  });

  it('refuses commands for a user that does not exist', () => {
    spec.given([]).when({ type: 'Deactivate' }).thenFails('user_not_found');
  });

  it('updates the profile, and changes nothing when nothing differs', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProfile', fullName: 'Alice B.' })
      .then([{ type: 'UserProfileUpdated', data: { userId, fullName: 'Alice B.', username: 'alice' } }]);
    spec
      .given([registered])
      .when({ type: 'UpdateProfile', fullName: 'Alice', username: 'alice' as Username })
      .then([]);
  });

  it('changes the email and records the previous one', () => {
    spec
      .given([registered])
      .when({ type: 'ChangeEmail', email: 'b@example.com' as Email })
      .then([
        {
          type: 'UserEmailChanged',
          data: { userId, previousEmail: 'a@example.com', email: 'b@example.com' },
        },
      ]);
  });

  it('changes the password of an active user only', () => {
    spec
      .given([registered])
      .when({ type: 'ChangePassword', passwordHash: 'h2' })
      .then([{ type: 'PasswordChanged', data: { userId, passwordHash: 'h2' } }]);
    spec
      .given([registered, { type: 'UserDeactivated', data: { userId } }])
      .when({ type: 'ChangePassword', passwordHash: 'h2' })
      .thenFails('account_inactive');
  });

  it('changes the role, idempotently', () => {
    spec
      .given([registered])
      .when({ type: 'ChangeRole', role: 'admin' })
      .then([{ type: 'UserRoleChanged', data: { userId, previousRole: 'user', role: 'admin' } }]);
    spec.given([registered]).when({ type: 'ChangeRole', role: 'user' }).then([]);
  });

  it('deactivates and reactivates, each idempotent', () => {
    spec
      .given([registered])
      .when({ type: 'Deactivate' })
      .then([{ type: 'UserDeactivated', data: { userId } }]);
    spec
      .given([registered, { type: 'UserDeactivated', data: { userId } }])
      .when({ type: 'Deactivate' })
      .then([]);
    spec
      .given([registered, { type: 'UserDeactivated', data: { userId } }])
      .when({ type: 'Reactivate' })
      .then([{ type: 'UserReactivated', data: { userId } }]);
    spec.given([registered]).when({ type: 'Reactivate' }).then([]);
  });
});

describe('ending all sessions of a user (the cut-off in the user stream)', () => {
  const ended = (keptSessionId: string | null): UserEvent => ({
    type: 'AllSessionsEnded',
    data: { userId, reason: 'logout-all', keptSessionId },
  });
  const before = new Date('2025-12-31T23:00:00Z');
  const after = new Date('2026-01-01T00:00:01Z');

  it('records the cut-off with the session to keep', () => {
    spec
      .given([registered])
      .when({ type: 'EndAllSessions', reason: 'logout-all', keep: { sessionId: 's-1', startedAt: before } })
      .then([ended('s-1')]);
  });

  it('never keeps a session an earlier cut-off ended', () => {
    spec
      .given([registered, ended(null)])
      .when({ type: 'EndAllSessions', reason: 'logout-all', keep: { sessionId: 's-1', startedAt: before } })
      .then([ended(null)]);
  });

  it('ends sessions started before the latest cut-off, except the kept one', () => {
    const state = [registered, ended('s-keep')].reduce(
      (s, e) => userDecider.evolve(s, { ...e, occurredAt: new Date('2026-01-01T00:00:00Z') }),
      userDecider.initialState(),
    );
    if (!isRegistered(state)) throw new Error('unregistered');
    expect(sessionEndedByUser(state, 's-old', before)).toBe(true);
    expect(sessionEndedByUser(state, 's-keep', before)).toBe(false);
    expect(sessionEndedByUser(state, 's-new', after)).toBe(false);
  });
});
