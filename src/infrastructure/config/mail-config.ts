import { z } from 'zod';

/** The mail variables (API.md "Email: verification, password reset, notices"). */
export interface MailConfig {
  /** Unset: messages are written as `.eml` files into DATA_DIR/mail. */
  readonly smtpUrl: string | undefined;
  readonly from: string;
  readonly publicUrl: string;
  readonly productName: string;
  readonly verificationRequired: boolean;
  readonly resetTtlSeconds: number;
  readonly verificationTtlSeconds: number;
  readonly retryBaseSeconds: number;
}

type Duration = (min: number, max: number) => z.ZodType<number, string>;

/** Their part of the environment schema, with config.ts's duration parser. */
export const mailEnv = (duration: Duration) => ({
  SMTP_URL: z
    .string()
    .refine((raw) => {
      try {
        const url = new URL(raw);
        return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be an smtp://user:pass@host:port or smtps://… URL')
    .optional(),
  MAIL_FROM: z
    .string()
    .min(3)
    .max(320)
    .regex(/@/, 'must be an address like no-reply@example.com')
    .default('no-reply@localhost'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  PRODUCT_NAME: z.string().min(1).max(100).default('Auth service'),
  EMAIL_VERIFICATION: z
    .enum(['optional', 'required'], { message: 'must be optional or required' })
    .default('optional'),
  PASSWORD_RESET_TTL: duration(1, 86_400).default(30 * 60),
  EMAIL_VERIFICATION_TTL: duration(60, 30 * 86_400).default(86_400),
  MAIL_RETRY_BASE: duration(1, 3600).default(5),
});

type MailEnv = z.infer<z.ZodObject<ReturnType<typeof mailEnv>>>;

export const mailConfigOf = (e: MailEnv, issuer: string): MailConfig => ({
  smtpUrl: e.SMTP_URL,
  from: e.MAIL_FROM,
  publicUrl: e.PUBLIC_URL ?? issuer,
  productName: e.PRODUCT_NAME,
  verificationRequired: e.EMAIL_VERIFICATION === 'required',
  resetTtlSeconds: e.PASSWORD_RESET_TTL,
  verificationTtlSeconds: e.EMAIL_VERIFICATION_TTL,
  retryBaseSeconds: e.MAIL_RETRY_BASE,
});
