import { z } from 'zod';
import { LOGIN_OUTCOMES } from '../../../domain/login-attempt/login-attempt.events.js';
import { pageQuery, text } from './common.js';

const instant = text(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 timestamp')
  .transform((v) => new Date(v));

export const asOfQuery = z.object({
  as_of: instant.optional().meta({
    description: 'An ISO-8601 instant: the answer as it was then, replayed from the event log.',
    format: 'date-time',
  }),
});

export const userSearchQuery = pageQuery.extend({
  q: text(200).optional().meta({ description: 'Matches email, username or full name.' }),
});

export const loginAttemptQuery = pageQuery.extend({
  user_id: z.string().uuid('must be a UUID').optional(),
  email: text(320).optional().meta({ description: 'The identifier as typed: an email or a username.' }),
  outcome: z.enum(LOGIN_OUTCOMES).optional(),
  ip: text(64).optional(),
  from: instant
    .optional()
    .meta({ description: 'Inclusive lower bound on `occurred_at` (ISO-8601).', format: 'date-time' }),
  to: instant
    .optional()
    .meta({ description: 'Exclusive upper bound on `occurred_at` (ISO-8601).', format: 'date-time' }),
});
