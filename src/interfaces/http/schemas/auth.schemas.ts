import { z } from 'zod';
import { text } from './common.js';

const password = text(1024);

export const registerBody = z
  .object({
    email: text(320),
    password,
    full_name: text(500).nullish(),
    name: text(500).nullish(),
    username: text(64).nullish(),
  })
  .transform((b) => ({ email: b.email, password: b.password, username: b.username, fullName: b.full_name ?? b.name }));

export const jsonLoginBody = z
  .object({ email: text(320).optional(), username: text(320).optional(), password })
  .refine((b) => b.email !== undefined || b.username !== undefined, {
    message: 'email or username is required',
    path: ['email'],
  })
  .transform((b) => ({ identifier: b.email ?? b.username ?? '', password: b.password }));

/** OAuth 2.0 password grant form (RFC 6749 §4.3): `username` may hold an email or a username. */
export const formLoginBody = z
  .object({
    username: text(320),
    password,
    grant_type: z.literal('password').optional(),
    scope: text(1000).optional(),
    client_id: text(200).optional(),
  })
  .transform((b) => ({ identifier: b.username, password: b.password }));

export const refreshBody = z.object({ refresh_token: text(512) });

export const logoutBody = z.object({ refresh_token: text(512).optional() });

export const tokenGrant = z.object({ grant_type: text(100) });
