import { z } from 'zod';
import { LOGIN_OUTCOMES } from '../../../domain/login-attempt/login-attempt.events.js';
import { ROLES } from '../../../domain/user/role.js';

/**
 * Response shapes of API.md, for the OpenAPI document only: the presenters build the bodies, and
 * tests/integration/openapi.spec.ts checks real responses against these (keys and types).
 */

const timestamp = z.iso
  .datetime()
  .meta({ description: 'ISO-8601 UTC timestamp.', examples: ['2026-01-31T09:30:00.000Z'] });
const uuid = z.uuid().meta({ examples: ['3e240ac6-ee5d-4ca4-ae9a-5b0c40faa44d'] });

export const userResponse = z
  .object({
    id: uuid,
    email: z.string().meta({ examples: ['alice@example.com'] }),
    username: z
      .string()
      .nullable()
      .meta({ examples: ['alice'] }),
    full_name: z
      .string()
      .nullable()
      .meta({ examples: ['Alice'] }),
    role: z.enum(ROLES),
    is_active: z.boolean(),
    mfa_enabled: z.boolean().meta({ description: 'A TOTP second factor is on.' }),
    email_verified: z.boolean().meta({ description: 'The address was proven by a mailed token.' }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'User', description: 'A user account. No hash, token or secret ever appears.' });

export const tokenResponse = z
  .object({
    access_token: z.string().meta({ description: 'A JWT (`typ: at+jwt`), verifiable with the JWKS.' }),
    token_type: z.literal('bearer'),
    expires_in: z
      .number()
      .int()
      .meta({ description: 'Access token lifetime in seconds.', examples: [900] }),
    refresh_token: z.string().meta({ description: 'Opaque, single use: every refresh returns a new one.' }),
    refresh_expires_in: z
      .number()
      .int()
      .meta({ description: 'Refresh token lifetime in seconds.', examples: [604800] }),
    device_token: z.string().optional().meta({
      description:
        'After a password login: send it back as `X-Device-Token` on later logins to this account (trusted device).',
    }),
  })
  .meta({ id: 'TokenResponse' });

const gone = 'null once erased or past AUDIT_PII_RETENTION';

/** What every view of a session shows. */
const sessionFields = {
  id: uuid,
  created_at: timestamp,
  last_refreshed_at: timestamp.nullable(),
  expires_at: timestamp,
  ip: z
    .string()
    .nullable()
    .meta({ description: `The address of the login; ${gone}.` }),
  user_agent: z
    .string()
    .nullable()
    .meta({ description: `The user agent of the login; ${gone}.` }),
};

export const sessionResponse = z
  .object({
    ...sessionFields,
    current: z
      .boolean()
      .meta({ description: 'True for the session of the access token making this request.' }),
  })
  .meta({ id: 'Session' });

export const loginAttemptResponse = z
  .object({
    id: uuid,
    occurred_at: timestamp,
    outcome: z.enum(LOGIN_OUTCOMES),
    user_id: uuid.nullable(),
    identifier: z
      .string()
      .nullable()
      .meta({ description: `The email or username as typed (normalised); ${gone}.` }),
    ip: z
      .string()
      .nullable()
      .meta({ description: `The client's address; ${gone}.` }),
    user_agent: z
      .string()
      .nullable()
      .meta({ description: `The client's user agent; ${gone}.` }),
    session_id: uuid.nullable(),
    count: z.number().int().min(1).meta({
      description:
        'Attempts this entry stands for: refusals without a password check share one entry per minute.',
    }),
    second_factor: z.enum(['totp', 'recovery_code']).nullable().meta({
      description:
        'The second factor a success proved (`POST /auth/login/mfa`) or a failure got wrong; null for password-only attempts.',
    }),
  })
  .meta({ id: 'LoginAttempt' });

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const userEventResponse = z
  .object({
    type: z.string().meta({ examples: ['UserRegistered'] }),
    version: z.number().int().meta({ description: 'Schema version of the event type.' }),
    stream_version: z.number().int().meta({ description: "Position in the user's own stream." }),
    position: z.number().int().meta({ description: 'Global position in the store.' }),
    occurred_at: timestamp,
    data: z.record(z.string(), z.unknown()).meta({ description: 'Event payload without secrets or hashes.' }),
    hash: sha256Hex.nullable().meta({
      description:
        'Audit chain: hex SHA-256 of prev_hash + "\\n" + the RFC 8785 JSON of the event as stored; null before the chain began.',
    }),
    prev_hash: sha256Hex
      .nullable()
      .meta({ description: "The previous global position's hash (64 zeros at the start)." }),
  })
  .meta({ id: 'UserEvent' });

/** A session as the export and the admin's time travel show it: with how it ended. */
export const sessionRecordResponse = z
  .object({
    ...sessionFields,
    revoked_at: timestamp.nullable(),
    revoked_reason: z.string().nullable(),
  })
  .meta({ id: 'SessionRecord' });

export const exportedEventResponse = z
  .object({
    type: z.string(),
    version: z.number().int(),
    stream_id: z.string(),
    stream_version: z.number().int(),
    position: z.number().int(),
    occurred_at: timestamp,
    data: z.record(z.string(), z.unknown()).meta({ description: 'Event payload without secrets or hashes.' }),
    hash: sha256Hex.nullable(),
    prev_hash: sha256Hex.nullable(),
  })
  .meta({ id: 'ExportedEvent' });

export const accountExportResponse = z
  .object({
    user: userResponse,
    sessions: z.array(sessionRecordResponse),
    login_attempts: z.array(loginAttemptResponse),
    events: z.array(exportedEventResponse).meta({ description: 'Every event whose data names the user.' }),
  })
  .meta({ id: 'AccountExport', description: 'Everything held about the caller (GDPR art. 15 and 20).' });

export const auditCheckpointResponse = z
  .object({
    position: z.number().int().meta({ description: 'The global position whose hash is signed.' }),
    hash: sha256Hex.meta({ description: 'The audit chain hash at that position.' }),
    created_at: timestamp,
    jws: z.string().meta({
      description: 'Compact JWS (typ audit-checkpoint+jwt, a JWKS key) over {iss, position, hash, iat}.',
    }),
  })
  .meta({ id: 'AuditCheckpoint' });

/** `{items, next_cursor}`: pass `next_cursor` back as `cursor` until it is null. */
export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().nullable().meta({ description: 'Opaque; null on the last page.' }),
    })
    .meta({ id });

export const fieldErrorResponse = z
  .object({ field: z.string(), message: z.string() })
  .meta({ id: 'FieldError' });

// Loose: problem documents may carry extension members (RFC 9457 §3.2).
const problemShape = {
  type: z.string().meta({ description: 'A URI naming the problem type.' }),
  title: z.string(),
  status: z
    .number()
    .int()
    .meta({ examples: [422] }),
  detail: z.string().meta({ description: 'Always present; human-readable.' }),
};

export const problemResponse = z
  .looseObject({ ...problemShape, errors: z.array(fieldErrorResponse).optional() })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document (`application/problem+json`).' });

export const validationProblemResponse = z
  .looseObject({ ...problemShape, errors: z.array(fieldErrorResponse).min(1) })
  .meta({
    id: 'ValidationProblem',
    description: 'A problem document naming each invalid field in `errors`.',
  });

/** RFC 6749 §5.2 error body of the OAuth endpoints (`application/json`, not problem+json). */
export const oauthErrorResponse = z
  .object({
    error: z.enum([
      'invalid_request',
      'invalid_grant',
      'unsupported_grant_type',
      'access_denied',
      'temporarily_unavailable',
    ]),
    error_description: z.string(),
  })
  .meta({ id: 'OAuthError', description: 'An OAuth 2.0 error (RFC 6749 §5.2).' });

export const jwksResponse = z
  .object({
    keys: z.array(z.record(z.string(), z.unknown())).meta({ description: 'Public JWKs (RFC 7517).' }),
  })
  .meta({ id: 'JsonWebKeySet' });

export const userInfoResponse = z
  .object({
    sub: z.string(),
    email: z.string(),
    email_verified: z.boolean(),
    name: z.string().nullable(),
    preferred_username: z.string().nullable(),
    updated_at: z.number().int().meta({ description: 'Seconds since the epoch.' }),
  })
  .meta({ id: 'UserInfo' });

export const openIdConfigurationResponse = z
  .looseObject({
    issuer: z.string(),
    jwks_uri: z.string(),
    token_endpoint: z.string(),
    revocation_endpoint: z.string(),
    userinfo_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    access_token_signing_alg_values_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
  })
  .meta({ id: 'OpenIdConfiguration' });

export const livenessResponse = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });

export const readinessResponse = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  })
  .meta({ id: 'Readiness' });

export const openApiDocumentResponse = z
  .looseObject({
    openapi: z.string(),
    info: z.record(z.string(), z.unknown()),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'This document.' });

export const userPage = pageOf(userResponse, 'UserPage');
export const sessionPage = pageOf(sessionResponse, 'SessionPage');
export const loginAttemptPage = pageOf(loginAttemptResponse, 'LoginAttemptPage');
export const userEventPage = pageOf(userEventResponse, 'UserEventPage');
export const auditCheckpointPage = pageOf(auditCheckpointResponse, 'AuditCheckpointPage');
export const sessionRecordPage = pageOf(sessionRecordResponse, 'SessionRecordPage');
