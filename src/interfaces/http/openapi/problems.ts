import { z } from 'zod';
import type { ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { problemResponse, validationProblemResponse } from '../schemas/response.schemas.js';

/** The problem+json responses of API.md, by status, so every route lists its failures in one line. */

export const PROBLEM_JSON = 'application/problem+json';

const wwwAuthenticate = z.string().meta({
  description:
    'RFC 6750 challenge: `Bearer`, or `Bearer error="invalid_token"` when a token was sent and rejected.',
  examples: ['Bearer error="invalid_token"'],
  header: { id: 'WWW-Authenticate' },
});

const retryAfter = z.string().meta({
  description: 'Seconds to wait before retrying.',
  examples: ['30'],
  header: { id: 'Retry-After' },
});

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;

interface StockProblem {
  /** Component name of the shared response. */
  readonly id: string;
  readonly description: string;
  /** Title and detail of a typical body, for the example (titles as in error-mapping.ts). */
  readonly title: string;
  readonly detail: string;
}

const STOCK_PROBLEMS: Record<ProblemStatus, StockProblem> = {
  400: {
    id: 'MalformedBody',
    description: 'The JSON or form body could not be parsed.',
    title: 'Malformed body',
    detail: 'The JSON body could not be parsed.',
  },
  401: {
    id: 'Unauthorized',
    description: 'Missing, malformed, expired, forged or revoked access token.',
    title: 'Unauthorized',
    detail: 'The access token is invalid, expired or revoked.',
  },
  403: {
    id: 'Forbidden',
    description: 'The account is deactivated, or the role is not allowed.',
    title: 'Forbidden',
    detail: 'This requires the admin role.',
  },
  404: { id: 'NotFound', description: 'No such resource.', title: 'Not found', detail: 'No such user.' },
  409: {
    id: 'Conflict',
    description: 'The email or username is taken, or a concurrent change won.',
    title: 'Email taken',
    detail: 'An account with this email already exists.',
  },
  410: {
    id: 'Gone',
    description: 'The account was erased: its personal data is gone for good.',
    title: 'Gone',
    detail: 'The user was erased.',
  },
  413: {
    id: 'PayloadTooLarge',
    description: 'The body exceeds the configured limit.',
    title: 'Payload too large',
    detail: 'The body exceeds 100kb.',
  },
  415: {
    id: 'UnsupportedMediaType',
    description: 'The body has a media type this operation does not accept.',
    title: 'Unsupported media type',
    detail: 'Send application/json.',
  },
  422: {
    id: 'ValidationFailed',
    description: 'Invalid fields; `errors` names each one.',
    title: 'Validation failed',
    detail: 'The request has invalid fields.',
  },
  429: {
    id: 'TooManyRequests',
    description: 'Locked out or rate limited; retry after `Retry-After` seconds.',
    title: 'Too many requests',
    detail: 'Too many attempts; try again later.',
  },
  503: {
    id: 'ServiceUnavailable',
    description: 'The store is unavailable; retry shortly.',
    title: 'Service unavailable',
    detail: 'The store is unavailable; retry shortly.',
  },
};

const HEADERS: Partial<Record<ProblemStatus, z.ZodObject>> = {
  401: z.object({ 'WWW-Authenticate': wwwAuthenticate }),
  429: z.object({ 'Retry-After': retryAfter }),
  503: z.object({ 'Retry-After': retryAfter }),
};

export interface ProblemOptions {
  /** Body schema; defaults to `Problem` (`ValidationProblem` for 422). */
  readonly schema?: z.ZodType;
  /** Extension members shown in the example, e.g. OAuth's `error`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A realistic example body: generated examples of these schemas would be noise. */
const exampleOf = (status: ProblemStatus, extensions: Readonly<Record<string, unknown>> = {}) => {
  const { title, detail } = STOCK_PROBLEMS[status];
  return {
    type: `https://auth.example/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title,
    status,
    detail,
    ...(status === 422 ? { errors: [{ field: 'email', message: 'must be a valid email address' }] } : {}),
    ...extensions,
  };
};

const responseOf = (
  status: ProblemStatus,
  description: string,
  options: ProblemOptions = {},
): ZodOpenApiResponseObject => {
  const headers = HEADERS[status];
  const schema = options.schema ?? (status === 422 ? validationProblemResponse : problemResponse);
  return {
    description,
    ...(headers !== undefined ? { headers } : {}),
    content: { [PROBLEM_JSON]: { schema, example: exampleOf(status, options.extensions) } },
  };
};

// One object per status, registered once as a component (`id`) and referenced by every route.
const stock = new Map<ProblemStatus, ZodOpenApiResponseObject>();
const stockResponse = (status: ProblemStatus): ZodOpenApiResponseObject => {
  const { id, description } = STOCK_PROBLEMS[status];
  const response = stock.get(status) ?? { id, ...responseOf(status, description) };
  stock.set(status, response);
  return response;
};

/** The stock problem responses for these statuses. */
export const problems = (...statuses: ProblemStatus[]): ZodOpenApiResponsesObject =>
  Object.fromEntries(statuses.map((status) => [String(status), stockResponse(status)]));

/** One problem response with a route-specific description, inline. */
export const problem = (
  status: ProblemStatus,
  description: string,
  options?: ProblemOptions,
): ZodOpenApiResponsesObject => ({
  [String(status)]: responseOf(status, description, options),
});
