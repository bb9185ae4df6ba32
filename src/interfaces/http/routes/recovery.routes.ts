import type { UseCases } from '../../../application/use-cases.js';
import { problem } from '../openapi/problems.js';
import { presentUser } from '../presenters.js';
import { presenting, statusAfter } from '../routing/handlers.js';
import { noContent, ok } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import { forgotBody, resetBody, verifyEmailBody } from '../schemas/recovery.schemas.js';
import { userResponse } from '../schemas/response.schemas.js';

const accepted = (description: string) => ({ '202': { description } });
const invalidToken = problem(400, '`{"error": "invalid_token"}`: unknown, expired, used or superseded.');

/** Password reset and email verification (API.md "Email: verification, password reset, notices"). */
export const recoveryRoutes = (u: UseCases): Route[] => [
  defineRoute({
    method: 'post',
    path: '/auth/password/forgot',
    access: 'anyone',
    operationId: 'forgotPassword',
    summary: 'Ask for a password reset mail',
    description: 'The same answer, in the same time, for a registered and an unregistered address.',
    tag: 'Authentication',
    request: { json: forgotBody },
    responses: {
      ...accepted('Accepted; a registered address gets a reset mail.'),
      ...problem(429, 'Too many requests for this address or account.'),
    },
    handler: statusAfter(202, ({ body }, context) => u.forgotPassword.execute(body, context)),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/password/reset',
    access: 'anyone',
    operationId: 'resetPassword',
    summary: 'Set a new password with a mailed token',
    tag: 'Authentication',
    request: { json: resetBody },
    responses: {
      ...noContent('Changed; every session and device token of the user is revoked.'),
      ...invalidToken,
      ...problem(422, 'Invalid fields or a weak new password.'),
    },
    handler: statusAfter(204, ({ body }, context) => u.resetPassword.execute(body, context)),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/email/verify',
    access: 'anyone',
    operationId: 'verifyEmail',
    summary: 'Prove an email address with a mailed token',
    tag: 'Authentication',
    request: { json: verifyEmailBody },
    responses: { ...ok('The user, `email_verified: true`.', userResponse), ...invalidToken },
    handler: presenting(presentUser, ({ body }, context) => u.emailVerification.verify(body.token, context)),
  }),
  defineRoute({
    method: 'post',
    path: '/users/me/email/verify',
    access: 'user',
    operationId: 'resendVerification',
    summary: 'Mail a new verification token',
    tag: 'Current user',
    responses: {
      ...accepted('Accepted; a new verification mail (none when the address is already verified).'),
      ...problem(429, 'Too many verification mails for this account.'),
    },
    handler: statusAfter(202, ({ principal }, context) => u.emailVerification.resend(principal, context)),
  }),
];
