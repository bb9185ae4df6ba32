import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config.js';

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  return 'accepted';
};

describe('mail configuration', () => {
  it('defaults: no SMTP (files), no-reply@localhost, links on the issuer, 30m resets, optional verification', () => {
    const { mail, rateLimits } = loadConfig({ JWT_ISSUER: 'https://id.example.com' });
    expect(mail).toMatchObject({
      smtpUrl: undefined,
      from: 'no-reply@localhost',
      publicUrl: 'https://id.example.com',
      productName: 'Auth service',
      verificationRequired: false,
      resetTtlSeconds: 1800,
      verificationTtlSeconds: 86_400,
      retryBaseSeconds: 5,
    });
    expect(rateLimits.mailPerHour).toBe(5);
  });

  it('reads the variables', () => {
    const { mail } = loadConfig({
      SMTP_URL: 'smtps://user:p%40ss@smtp.example.com:465',
      MAIL_FROM: 'Acme <no-reply@acme.example>',
      PUBLIC_URL: 'https://app.acme.example',
      EMAIL_VERIFICATION: 'required',
      PASSWORD_RESET_TTL: '10m',
    });
    expect(mail).toMatchObject({
      smtpUrl: 'smtps://user:p%40ss@smtp.example.com:465',
      publicUrl: 'https://app.acme.example',
      verificationRequired: true,
      resetTtlSeconds: 600,
    });
  });

  it('refuses bad values naming the variable', () => {
    expect(refusal({ SMTP_URL: 'http://smtp.example.com' })).toBe('SMTP_URL');
    expect(refusal({ SMTP_URL: 'not a url' })).toBe('SMTP_URL');
    expect(refusal({ MAIL_FROM: 'nobody' })).toBe('MAIL_FROM');
    expect(refusal({ PUBLIC_URL: 'ftp://x' })).toBe('PUBLIC_URL');
    expect(refusal({ EMAIL_VERIFICATION: 'sometimes' })).toBe('EMAIL_VERIFICATION');
    expect(refusal({ PASSWORD_RESET_TTL: '2d' })).toBe('PASSWORD_RESET_TTL');
    expect(refusal({ RATE_LIMIT_MAIL_PER_HOUR: '0' })).toBe('RATE_LIMIT_MAIL_PER_HOUR');
  });
});
