import { describe, expect, it } from 'vitest';
import { usersProjection } from '../../../src/application/projections/users.projection.js';
import type { UserView } from '../../../src/application/ports/user-read-model.port.js';
import type { LoggedIn } from '../../../src/domain/session/session.events.js';
import type { UserEvent } from '../../../src/domain/user/user.events.js';
import { fold, stored } from '../../support/stored-events.js';

const USER = 'u-1';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: {
    userId: USER,
    email: 'alice@example.com',
    username: 'alice',
    fullName: 'Alice',
    passwordHash: '$2b$12$secret-hash',
    role: 'user',
  },
};
const loggedIn = (sessionId: string, userId = USER): LoggedIn => ({
  type: 'LoggedIn',
  data: {
    sessionId,
    userId,
    identifier: 'alice@example.com',
    refreshTokenDigest: 'digest',
    expiresAt: '2026-02-01T00:00:00.000Z',
    ip: '10.0.0.1',
    userAgent: 'test',
  },
});

const initial: UserView = {
  id: USER,
  email: 'alice@example.com',
  username: 'alice',
  fullName: 'Alice',
  role: 'user',
  isActive: true,
  mfaEnabled: false,
  emailVerified: false,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  lastLoginAt: null,
  seq: 7,
};

describe('users projection', () => {
  it('creates the view from UserRegistered, without the password hash', () => {
    const docs = fold(usersProjection, [stored(registered, 7, '2026-01-01T10:00:00.000Z')]);
    expect([...docs.entries()]).toEqual([[USER, initial]]);
    expect(JSON.stringify(docs.get(USER))).not.toContain('secret-hash');
  });

  it('applies every later user event to its fields and updatedAt', () => {
    const events = [
      stored(registered, 7, '2026-01-01T10:00:00.000Z'),
      stored(
        { type: 'UserProfileUpdated', data: { userId: USER, fullName: 'Alice B', username: 'ab' } },
        9,
        '2026-01-02T00:00:00.000Z',
      ),
      stored(
        {
          type: 'UserEmailChanged',
          data: { userId: USER, previousEmail: 'alice@example.com', email: 'ab@example.com' },
        },
        11,
        '2026-01-03T00:00:00.000Z',
      ),
      stored(
        { type: 'UserRoleChanged', data: { userId: USER, previousRole: 'user', role: 'admin' } },
        12,
        '2026-01-04T00:00:00.000Z',
      ),
      stored({ type: 'UserDeactivated', data: { userId: USER } }, 13, '2026-01-05T00:00:00.000Z'),
    ];
    expect(fold(usersProjection, events).get(USER)).toEqual({
      ...initial,
      email: 'ab@example.com',
      username: 'ab',
      fullName: 'Alice B',
      role: 'admin',
      isActive: false,
      updatedAt: '2026-01-05T00:00:00.000Z',
    });

    const reactivated = fold(usersProjection, [
      ...events,
      stored({ type: 'UserReactivated', data: { userId: USER } }, 20, '2026-01-06T00:00:00.000Z'),
      stored(
        { type: 'PasswordChanged', data: { userId: USER, passwordHash: 'new-secret-hash' } },
        21,
        '2026-01-07T00:00:00.000Z',
      ),
    ]).get(USER);
    expect(reactivated).toMatchObject({ isActive: true, updatedAt: '2026-01-07T00:00:00.000Z', seq: 7 });
    expect(JSON.stringify(reactivated)).not.toContain('secret-hash');
  });

  it('records the last login from the session stream without touching updatedAt', () => {
    const docs = fold(usersProjection, [
      stored(registered, 7, '2026-01-01T10:00:00.000Z'),
      stored(loggedIn('s-1'), 8, '2026-01-01T11:00:00.000Z'),
      stored(loggedIn('s-2'), 10, '2026-01-01T12:00:00.000Z'),
    ]);
    expect(docs.get(USER)).toEqual({ ...initial, lastLoginAt: '2026-01-01T12:00:00.000Z' });
  });

  it('keys documents by user id and ignores events about users it never saw registered', () => {
    expect(usersProjection.documentId(stored(loggedIn('s-1', 'u-2'), 3, '2026-01-01T00:00:00.000Z'))).toBe(
      'u-2',
    );
    expect(
      usersProjection.evolve(null, stored(loggedIn('s-1', 'u-2'), 3, '2026-01-01T00:00:00.000Z')),
    ).toBeNull();
    expect(
      usersProjection.evolve(
        null,
        stored({ type: 'UserDeactivated', data: { userId: 'u-2' } }, 4, '2026-01-01T00:00:00.000Z'),
      ),
    ).toBeNull();
  });

  it('keeps an erased user with its times, and nothing personal', () => {
    const docs = fold(usersProjection, [
      stored(registered, 7, '2026-01-01T10:00:00.000Z'),
      stored(loggedIn('s-1'), 8, '2026-01-02T00:00:00.000Z'),
      stored(
        { type: 'UserErased', data: { userId: USER, actorId: USER, reason: 'user-request' } },
        9,
        '2026-01-03T00:00:00.000Z',
      ),
    ]);
    expect(docs.get(USER)).toEqual({
      ...initial,
      email: '',
      username: null,
      fullName: null,
      isActive: false,
      lastLoginAt: '2026-01-02T00:00:00.000Z',
      updatedAt: '2026-01-03T00:00:00.000Z',
      erasedAt: '2026-01-03T00:00:00.000Z',
    });
  });

  it('handles exactly the user events and LoggedIn', () => {
    expect([...usersProjection.eventTypes].sort()).toEqual(
      [
        'LoggedIn',
        'MfaDisabled',
        'MfaEnabled',
        'PasswordChanged',
        'UserDeactivated',
        'UserEmailChanged',
        'UserProfileUpdated',
        'UserReactivated',
        'UserErased',
        'UserRegistered',
        'UserRoleChanged',
        'EmailVerified',
      ].sort(),
    );
    expect(usersProjection.name).toBe('users');
  });
});
