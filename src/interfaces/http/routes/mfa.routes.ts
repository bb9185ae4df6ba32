import type { UseCases } from '../../../application/use-cases.js';
import { problem } from '../openapi/problems.js';
import { requestContextOf } from '../request-context.js';
import { deviceTokenOf, sendTokens, statusAfter } from '../routing/handlers.js';
import { noContent, ok, tokens } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import { userPath } from '../schemas/common.js';
import {
  mfaConfirmBody,
  mfaDisableBody,
  mfaLoginBody,
  recoveryCodesResponse,
  totpEnrollmentResponse,
} from '../schemas/mfa.schemas.js';
import { problemResponse } from '../schemas/response.schemas.js';

const invalidCode = problem(400, 'The code is wrong, expired or already used: `"error": "invalid_code"`.', {
  schema: problemResponse,
  extensions: { error: 'invalid_code' },
});
const reauthentication = problem(
  403,
  'The session did not prove its password within REAUTH_WINDOW: `"error": "reauthentication_required"`; or the account is deactivated.',
  { extensions: { error: 'reauthentication_required' } },
);

/** The second factor (TOTP, RFC 6238): enrollment, the second login step, turning it off. */
export const mfaRoutes = (u: UseCases): Route[] => [
  defineRoute({
    method: 'post',
    path: '/users/me/mfa/totp',
    access: 'user',
    operationId: 'startTotpEnrollment',
    summary: 'Start TOTP enrollment',
    description:
      'A new secret (base32, `otpauth://` URI and an SVG QR code), not active until confirmed. Needs recent authentication. Starting again replaces an unconfirmed secret.',
    tag: 'Current user',
    responses: {
      ...ok('The new secret. Shown only now; stored encrypted.', totpEnrollmentResponse, '201'),
      ...reauthentication,
      ...problem(409, 'MFA is already enabled.'),
    },
    handler: async (ctx, { principal }) => {
      const enrollment = await u.mfa.startEnrollment(principal, requestContextOf(ctx));
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 201;
      ctx.body = {
        secret: enrollment.secret,
        otpauth_uri: enrollment.otpauthUri,
        qr_svg: enrollment.qrSvg,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users/me/mfa/totp/confirm',
    access: 'user',
    operationId: 'confirmTotpEnrollment',
    summary: 'Confirm TOTP enrollment with a code',
    description: 'MFA is on from now; the 10 recovery codes are shown this once (stored as digests).',
    tag: 'Current user',
    request: { json: mfaConfirmBody },
    responses: {
      ...ok('MFA is on.', recoveryCodesResponse),
      ...invalidCode,
      ...problem(403, 'The account is deactivated.'),
      ...problem(409, 'MFA is already enabled, or no enrollment was started.'),
    },
    handler: async (ctx, { principal, body }) => {
      const codes = await u.mfa.confirm(principal, body.code, requestContextOf(ctx));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { recovery_codes: codes };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/users/me/mfa/totp',
    access: 'user',
    operationId: 'disableTotp',
    summary: 'Turn MFA off',
    description:
      'Needs recent authentication and a current code or a recovery code. Wrong codes count toward the account lockout.',
    tag: 'Current user',
    request: { json: mfaDisableBody },
    responses: {
      ...noContent('MFA is off.'),
      ...invalidCode,
      ...reauthentication,
      ...problem(409, 'MFA is not enabled.'),
      ...problem(429, 'Too many wrong codes or passwords: locked (Retry-After).'),
    },
    handler: statusAfter(204, ({ principal, body }, context) => u.mfa.disable(principal, body, context)),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/login/mfa',
    access: 'anyone',
    sameSiteOnly: true,
    operationId: 'logInSecondFactor',
    summary: 'Log in, second step: a TOTP or recovery code',
    description:
      'After a login answered `403 {"error": "mfa_required", "mfa_token"}`: the `mfa_token` and a code (or a recovery code) give the token response, with `amr: ["pwd","otp"]`. Send the same `X-Device-Token` as on the password step. Each code works once; 5 wrong codes kill the `mfa_token`; wrong codes count toward the account lockout.',
    tag: 'Authentication',
    request: { json: mfaLoginBody, form: mfaLoginBody },
    responses: {
      ...tokens,
      ...problem(401, 'Wrong or already used code, or an expired, spent or unknown `mfa_token`.'),
      ...problem(403, 'The account is deactivated.'),
      ...problem(429, 'Locked out or rate limited (Retry-After).'),
    },
    handler: async (ctx, { body }) => {
      const login = { ...body, deviceToken: deviceTokenOf(ctx) };
      sendTokens(ctx, await u.completeMfaLogin.execute(login, requestContextOf(ctx)));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/admin/users/{id}/mfa',
    access: 'admin',
    operationId: 'resetUserMfa',
    summary: "Turn a user's MFA off (a lost device)",
    description: 'Recorded as `MfaDisabled` with the administrator as the actor. 204 also when MFA was off.',
    tag: 'Administration',
    request: { path: userPath },
    responses: { ...noContent('MFA is off.'), ...problem(404, 'No such user.') },
    handler: statusAfter(204, ({ params }, context) => u.mfa.reset(params.id, context)),
  }),
];
