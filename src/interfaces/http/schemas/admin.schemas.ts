import { z } from 'zod';
import { LOGIN_OUTCOMES } from '../../../domain/login-attempt/login-attempt.events.js';
import { pageQuery, text } from './common.js';

const instant = text(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 timestamp')
  .transform((v) => new Date(v));

export const userSearchQuery = pageQuery.extend({ q: text(200).optional() });

export const loginAttemptQuery = pageQuery.extend({
  user_id: z.string().uuid('must be a UUID').optional(),
  email: text(320).optional(),
  outcome: z.enum(LOGIN_OUTCOMES).optional(),
  ip: text(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
});
