import { describe, it } from 'vitest';
import { userDecider } from '../../../src/domain/user/user.decider.js';
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
