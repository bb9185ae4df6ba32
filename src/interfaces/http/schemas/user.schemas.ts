import { z } from 'zod';
import { ROLES } from '../../../domain/user/role.js';
import { newPasswordText, text, usernameText } from './common.js';

export const profileBody = z
  .object({
    full_name: text(500).nullish(),
    name: text(500).nullish(),
    email: text(320).optional(),
    username: usernameText.nullish(),
    current_password: text(1024).optional().meta({
      description:
        'Needed to change `email` or `username` unless the session proved the password within REAUTH_WINDOW (POST /auth/reauthenticate).',
    }),
  })
  .transform((b) => ({
    fullName: b.full_name !== undefined ? b.full_name : b.name,
    email: b.email,
    username: b.username,
    currentPassword: b.current_password,
  }))
  .meta({
    id: 'ProfileUpdate',
    description: 'Only the fields sent change; `name` is an alias of `full_name`.',
  });

export const passwordChangeBody = z
  .object({ current_password: text(1024), new_password: newPasswordText })
  .transform((b) => ({ currentPassword: b.current_password, newPassword: b.new_password }))
  .meta({ id: 'PasswordChange' });

export const accountDeletionBody = z
  .object({ current_password: text(1024) })
  .transform((b) => ({ currentPassword: b.current_password }))
  .meta({ id: 'AccountDeletion' });

export const roleBody = z
  .object({ role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }) })
  .meta({ id: 'RoleChange' });
