import { z } from 'zod';
import { MFA_CHALLENGE_MAX_FAILURES, RECOVERY_CODE_COUNT } from '../../../domain/user/mfa.events.js';
import { text } from './common.js';

/** A 6-digit code from the authenticator app (white space is ignored). */
const code = text(16).meta({
  description: 'The 6-digit code the authenticator app shows.',
  examples: ['492039'],
});
const recoveryCode = text(64).meta({
  description:
    'One of the recovery codes shown when MFA was turned on (dashes and case ignored); it works once.',
  examples: ['ABCD-EFGH-IJKL-MNOP'],
});

const oneFactor = <T extends { code?: string | undefined; recovery_code?: string | undefined }>(b: T) =>
  (b.code === undefined) !== (b.recovery_code === undefined);
const factorOf = (b: { code?: string | undefined; recovery_code?: string | undefined }) =>
  b.code !== undefined ? { code: b.code } : { recoveryCode: b.recovery_code ?? '' };
const ONE_FACTOR = { message: 'send either code or recovery_code', path: ['code'] };

export const mfaConfirmBody = z.object({ code }).meta({ id: 'MfaConfirmRequest' });

export const mfaDisableBody = z
  .object({ code: code.optional(), recovery_code: recoveryCode.optional() })
  .refine(oneFactor, ONE_FACTOR)
  .transform(factorOf)
  .meta({ id: 'MfaDisableRequest', description: 'Either `code` or `recovery_code`.' });

export const mfaLoginBody = z
  .object({
    mfa_token: text(200).meta({ description: 'The `mfa_token` of the `mfa_required` answer.' }),
    code: code.optional(),
    recovery_code: recoveryCode.optional(),
    client_id: text(200)
      .optional()
      .meta({ description: 'The `client_id` claim of the access token (default `JWT_CLIENT_ID`).' }),
  })
  .refine(oneFactor, ONE_FACTOR)
  .transform((b) => ({ ...factorOf(b), mfaToken: b.mfa_token, clientId: b.client_id }))
  .meta({
    id: 'MfaLoginRequest',
    description: `The second login step: \`mfa_token\` and either \`code\` or \`recovery_code\`. After ${MFA_CHALLENGE_MAX_FAILURES} wrong codes the \`mfa_token\` is dead.`,
  });

export const totpEnrollmentResponse = z
  .object({
    secret: z.string().meta({ description: 'The base32 secret, for typing into an app. Shown only now.' }),
    otpauth_uri: z.string().meta({ examples: ['otpauth://totp/auth.example:alice%40example.com?secret=…'] }),
    qr_svg: z.string().meta({ description: 'The `otpauth_uri` as an SVG QR code.' }),
  })
  .meta({ id: 'TotpEnrollment', description: 'Not active until confirmed with a code.' });

export const recoveryCodesResponse = z
  .object({
    recovery_codes: z
      .array(z.string())
      .length(RECOVERY_CODE_COUNT)
      .meta({ description: 'Single-use codes for a lost device. Shown only now; stored as digests.' }),
  })
  .meta({ id: 'RecoveryCodes' });

export const mfaRequiredProblem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.literal(403),
    detail: z.string(),
    error: z.literal('mfa_required'),
    mfa_token: z
      .string()
      .meta({ description: 'Opaque, single purpose: only POST /auth/login/mfa takes it.' }),
    expires_in: z
      .number()
      .int()
      .meta({ examples: [300] }),
  })
  .meta({ id: 'MfaRequiredProblem' });

export const mfaRequiredOAuthError = z
  .object({
    error: z.literal('mfa_required'),
    error_description: z.string(),
    mfa_token: z.string(),
    expires_in: z
      .number()
      .int()
      .meta({ examples: [300] }),
  })
  .meta({ id: 'MfaRequiredOAuthError' });
