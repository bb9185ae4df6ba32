import { describe, expect, it } from 'vitest';
import { profileOfView, type UserView } from '../../../src/application/ports/user-read-model.port.js';

const view = {
  id: 'u1',
  email: 'old@example.com',
  username: null,
  fullName: 'Old Timer',
  role: 'user',
  isActive: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
  lastLoginAt: '2025-01-03T00:00:00.000Z',
  seq: 7,
} as const;

describe('profileOfView', () => {
  it('reads a document written before MFA and verification existed as both off', () => {
    // Such a document has neither flag, whatever the type says today.
    const legacy = view as unknown as UserView;
    const { lastLoginAt: _login, seq: _seq, ...profileFields } = view;
    expect(profileOfView(legacy)).toEqual({ ...profileFields, mfaEnabled: false, emailVerified: false });
  });

  it("keeps the flags a current document has, and none of the view's own fields", () => {
    const current: UserView = {
      ...view,
      mfaEnabled: true,
      emailVerified: true,
      erasedAt: '2025-02-01T00:00:00.000Z',
    };
    const profile = profileOfView(current);
    expect(profile).toMatchObject({ mfaEnabled: true, emailVerified: true });
    expect(Object.keys(profile)).not.toContain('seq');
    expect(Object.keys(profile)).not.toContain('lastLoginAt');
    expect(Object.keys(profile)).not.toContain('erasedAt');
  });
});
