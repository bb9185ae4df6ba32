import { z } from 'zod';
import { newPasswordText, text, usernameText } from './common.js';

// `.meta()` only annotates the OpenAPI document (src/interfaces/http/openapi); it never changes what validates.

const password = text(1024);

export const registerBody = z
  .object({
    email: text(320).meta({ examples: ['alice@example.com'] }),
    password: newPasswordText,
    full_name: text(500).nullish(),
    name: text(500).nullish().meta({ description: 'Alias of `full_name` (FastAPI tutorial clients).' }),
    username: usernameText.nullish(),
  })
  .transform((b) => ({
    email: b.email,
    password: b.password,
    username: b.username,
    fullName: b.full_name ?? b.name,
  }))
  .meta({
    id: 'RegisterRequest',
    description:
      'Email and username are unique (case-insensitive, after trimming); the domain applies the real rules.',
  });

export const jsonLoginBody = z
  .object({ email: text(320).optional(), username: text(320).optional(), password })
  .refine((b) => b.email !== undefined || b.username !== undefined, {
    message: 'email or username is required',
    path: ['email'],
  })
  .transform((b) => ({ identifier: b.email ?? b.username ?? '', password: b.password }))
  .meta({ id: 'LoginRequest', description: 'Either `email` or `username` is required.' });

/** OAuth 2.0 password grant form (RFC 6749 §4.3): `username` may hold an email or a username. */
export const formLoginBody = z
  .object({
    username: text(320).meta({ description: 'An email or a username.' }),
    password,
    grant_type: z.literal('password').optional(),
    scope: text(1000).optional().meta({ description: 'Accepted and ignored.' }),
    client_id: text(200)
      .optional()
      .meta({ description: 'The `client_id` claim of the access token (default `JWT_CLIENT_ID`).' }),
  })
  .transform((b) => ({ identifier: b.username, password: b.password, clientId: b.client_id }))
  .meta({
    id: 'PasswordGrantForm',
    description:
      'OAuth 2.0 password grant. Other fields (e.g. `client_secret`) and HTTP Basic client credentials are ignored.',
  });

/** POST /auth/reauthenticate: the signed-in user's password, checked like a login. */
export const reauthenticateBody = z
  .object({
    password,
    client_id: text(200).optional().meta({ description: 'The `client_id` claim of the access token.' }),
  })
  .transform((b) => ({ password: b.password, clientId: b.client_id }))
  .meta({ id: 'ReauthenticateRequest' });

export const refreshBody = z.object({ refresh_token: text(4096) }).meta({ id: 'RefreshRequest' });

export const logoutBody = z.object({ refresh_token: text(4096).optional() }).meta({
  id: 'LogoutRequest',
  description: 'Without `refresh_token`, the session of the bearer access token is ended.',
});

export const tokenGrant = z.object({ grant_type: text(100) });

export const refreshGrantForm = z
  .object({
    grant_type: z.literal('refresh_token'),
    refresh_token: text(4096),
    scope: text(1000).optional().meta({ description: 'Accepted and ignored.' }),
    client_id: text(200).optional().meta({ description: 'The `client_id` claim of the access token.' }),
  })
  .meta({ id: 'RefreshGrantForm' });

/** RFC 7009 revocation request. */
export const revokeForm = z
  .object({
    token: text(4096).min(1, 'is required'),
    token_type_hint: z
      .string()
      .optional()
      .transform((h) => (h === 'access_token' || h === 'refresh_token' ? h : undefined))
      .meta({
        description: '`refresh_token` or `access_token`; an unknown hint is ignored (RFC 7009 §2.1).',
      }),
    client_id: text(200).optional().meta({ description: 'Accepted and ignored.' }),
  })
  .meta({ id: 'RevocationRequest' });
