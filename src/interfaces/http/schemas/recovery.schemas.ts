import { z } from 'zod';
import { newPasswordText, text } from './common.js';

export const forgotBody = z
  .object({ email: text(320).meta({ examples: ['alice@example.com'] }) })
  .meta({ id: 'PasswordForgot' });

/** Long enough for `<uuid>.<43 base64url>`, short enough that nothing big is hashed. */
const mailedToken = text(200).meta({ description: 'The token from the mail (`Token: …` line or link).' });

export const resetBody = z
  .object({ token: mailedToken, new_password: newPasswordText })
  .transform((b) => ({ token: b.token, newPassword: b.new_password }))
  .meta({ id: 'PasswordReset' });

export const verifyEmailBody = z.object({ token: mailedToken }).meta({ id: 'EmailVerification' });
