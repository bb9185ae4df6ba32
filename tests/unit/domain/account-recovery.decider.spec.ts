import { describe, it } from 'vitest';
import { userDecider } from '../../../src/domain/user/user.decider.js';
import type { UserEvent } from '../../../src/domain/user/user.events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(userDecider);
const userId = 'u-1';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { userId, email: 'a@example.com', username: null, fullName: null, passwordHash: 'h', role: 'user' },
};
const NOW = new Date('2026-01-01T00:10:00Z');
const LATER = new Date('2026-01-01T01:00:00Z');
const token = (digest: string) => ({
  requestId: `r-${digest}`,
  tokenDigest: digest,
  sealedToken: `sealed-${digest}`,
  expiresAt: new Date('2026-01-01T00:30:00Z'),
});
const resetRequested = (digest: string): UserEvent => ({
  type: 'PasswordResetRequested',
  data: { userId, email: 'a@example.com', ...token(digest), expiresAt: '2026-01-01T00:30:00.000Z' },
});
const verificationRequested = (digest: string, email = 'a@example.com'): UserEvent => ({
  type: 'EmailVerificationRequested',
  data: { userId, email, ...token(digest), expiresAt: '2026-01-01T00:30:00.000Z' },
});

describe('password reset (user decider)', () => {
  it('a request records the digest and the sealed token, never a plain one', () => {
    spec
      .given([registered])
      .when({ type: 'RequestPasswordReset', ...token('d1') })
      .then([resetRequested('d1')]);
  });

  it('a deactivated account gets no reset mail', () => {
    spec
      .given([registered, { type: 'UserDeactivated', data: { userId } }])
      .when({ type: 'RequestPasswordReset', ...token('d1') })
      .then([]);
  });

  it('the current token resets once: PasswordResetCompleted then PasswordChanged', () => {
    spec
      .given([registered, resetRequested('d1')])
      .when({ type: 'ResetPassword', tokenDigest: 'd1', passwordHash: 'h2', now: NOW })
      .then([
        { type: 'PasswordResetCompleted', data: { userId, requestId: 'r-d1' } },
        { type: 'PasswordChanged', data: { userId, passwordHash: 'h2' } },
      ]);
    const completed: UserEvent = { type: 'PasswordResetCompleted', data: { userId, requestId: 'r-d1' } };
    spec
      .given([registered, resetRequested('d1'), completed])
      .when({ type: 'ResetPassword', tokenDigest: 'd1', passwordHash: 'h3', now: NOW })
      .thenFails('invalid_token');
  });

  it('refuses an expired, a superseded, a wrong token, and one from before a password change', () => {
    const attempt = (digest: string, now = NOW) =>
      ({ type: 'ResetPassword', tokenDigest: digest, passwordHash: 'h2', now }) as const;
    spec
      .given([registered, resetRequested('d1')])
      .when(attempt('d1', LATER))
      .thenFails('invalid_token');
    spec
      .given([registered, resetRequested('d1'), resetRequested('d2')])
      .when(attempt('d1'))
      .thenFails('invalid_token');
    spec
      .given([registered, resetRequested('d1')])
      .when(attempt('other'))
      .thenFails('invalid_token');
    spec
      .given([
        registered,
        resetRequested('d1'),
        { type: 'PasswordChanged', data: { userId, passwordHash: 'x' } },
      ])
      .when(attempt('d1'))
      .thenFails('invalid_token');
    spec.given([registered]).when(attempt('d1')).thenFails('invalid_token');
  });
});

describe('email verification (user decider)', () => {
  it('the token proves the address it was sent to, once', () => {
    const verified: UserEvent = {
      type: 'EmailVerified',
      data: { userId, requestId: 'r-v1', email: 'a@example.com' },
    };
    spec
      .given([registered, verificationRequested('v1')])
      .when({ type: 'VerifyEmail', tokenDigest: 'v1', now: NOW })
      .then([verified]);
    spec
      .given([registered, verificationRequested('v1'), verified])
      .when({ type: 'VerifyEmail', tokenDigest: 'v1', now: NOW })
      .thenFails('invalid_token');
  });

  it('an email change makes a token for the old address worthless', () => {
    spec
      .given([
        registered,
        verificationRequested('v1'),
        {
          type: 'UserEmailChanged',
          data: { userId, previousEmail: 'a@example.com', email: 'b@example.com' },
        },
      ])
      .when({ type: 'VerifyEmail', tokenDigest: 'v1', now: NOW })
      .thenFails('invalid_token');
  });

  it('a proven address asks for no second proof until it changes', () => {
    const verified: UserEvent = {
      type: 'EmailVerified',
      data: { userId, requestId: 'r-v1', email: 'a@example.com' },
    };
    spec
      .given([registered, verificationRequested('v1'), verified])
      .when({ type: 'RequestEmailVerification', ...token('v2') })
      .then([]);
    spec
      .given([
        registered,
        verificationRequested('v1'),
        verified,
        {
          type: 'UserEmailChanged',
          data: { userId, previousEmail: 'a@example.com', email: 'b@example.com' },
        },
      ])
      .when({ type: 'RequestEmailVerification', ...token('v2') })
      .then([verificationRequested('v2', 'b@example.com')]);
  });
});
