import type { MailKind } from '../../domain/mail/mail.events.js';

/** What a template may use. No tracking: no pixel, no per-recipient link beyond the token's. */
export interface TemplateInput {
  readonly productName: string;
  readonly publicUrl: string;
  readonly email: string;
  readonly token: string | null;
  readonly expiresAt: string | null;
  /** Named values a template may show as `{name}` (e.g. a subscription's id); never secrets. */
  readonly details?: Readonly<Record<string, string>>;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

interface Template {
  readonly subject: (p: string) => string;
  /** Paragraphs, in order; the token's link and `Token:` line follow the first when there is one. */
  readonly paragraphs: readonly string[];
  /** Path of the page (on PUBLIC_URL) that takes the token, for token mails. */
  readonly path?: string;
  readonly action?: string;
}

const NOT_YOU =
  'If this was not you, reset your password at once and review your sessions; reply to nobody asking for this code.';

/** The templates themselves: plain words, one purpose per message. */
const TEMPLATES: Readonly<Record<MailKind, Template>> = {
  'password-reset': {
    subject: (p) => `Reset your ${p} password`,
    paragraphs: [
      'Someone asked to reset the password of the account with this address. To choose a new password, open the link below or paste the token into the reset form.',
      'The token works once and expires at {expiresAt}. If you did not ask for it, ignore this message: your password stays as it is.',
    ],
    path: '/reset-password',
    action: 'Reset password',
  },
  'email-verification': {
    subject: (p) => `Confirm your email address for ${p}`,
    paragraphs: [
      'Confirm that this address belongs to your account by opening the link below or pasting the token into the verification form.',
      'The token works once and expires at {expiresAt}. If you did not create an account or change its address, ignore this message.',
    ],
    path: '/verify-email',
    action: 'Confirm address',
  },
  'password-changed': {
    subject: (p) => `Your ${p} password was changed`,
    paragraphs: ['The password of your account ({email}) was just changed.', NOT_YOU],
  },
  'email-changed': {
    subject: (p) => `The email address of your ${p} account was changed`,
    paragraphs: [
      'The address of your account was changed from {email} to another one; mail about the account goes there from now on.',
      NOT_YOU,
    ],
  },
  'mfa-enabled': {
    subject: (p) => `Two-step verification was turned on for ${p}`,
    paragraphs: ['Logins to your account ({email}) now ask for a code from your authenticator app.', NOT_YOU],
  },
  'mfa-disabled': {
    subject: (p) => `Two-step verification was turned off for ${p}`,
    paragraphs: ['Logins to your account ({email}) no longer ask for a second factor.', NOT_YOU],
  },
  'account-locked': {
    subject: (p) => `Your ${p} account was locked after failed logins`,
    paragraphs: [
      'Too many wrong passwords were tried on your account ({email}), so logins from unrecognised devices are paused for a while. Devices you logged in from before still work.',
      'If these attempts were not yours, consider a stronger password; nobody has logged in with them.',
    ],
  },
  'webhook-disabled': {
    subject: (p) => `A ${p} webhook subscription was disabled`,
    paragraphs: [
      'The webhook subscription {subscriptionId} failed every delivery since {failingSince} and was disabled: {reason}.',
      'Nothing more is sent to it. Once the receiver works again, subscribe it anew (POST /admin/webhooks) and delete this subscription; the events it missed stay in the log (GET /admin/events/stream?after=<position>).',
    ],
  },
};

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const fill = (paragraph: string, input: TemplateInput): string => {
  const values: Readonly<Record<string, string>> = {
    ...input.details,
    email: input.email,
    expiresAt: input.expiresAt ?? '',
  };
  return paragraph.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
};

/** Text and HTML parts of one message. The token sits on a line of its own: `Token: <token>`. */
export function renderMail(kind: MailKind, input: TemplateInput): RenderedMail {
  const template = TEMPLATES[kind];
  const subject = template.subject(input.productName);
  const paragraphs = template.paragraphs.map((p) => fill(p, input));
  const link =
    template.path !== undefined && input.token !== null
      ? `${input.publicUrl.replace(/\/+$/, '')}${template.path}?token=${encodeURIComponent(input.token)}`
      : null;
  const [first = '', ...rest] = paragraphs;
  const textParts = [first];
  const htmlParts = [`<p>${escapeHtml(first)}</p>`];
  if (link !== null && input.token !== null) {
    textParts.push(link, `Token: ${input.token}`);
    htmlParts.push(
      `<p><a href="${escapeHtml(link)}">${escapeHtml(template.action ?? link)}</a></p>`,
      `<p>Token: <code>${escapeHtml(input.token)}</code></p>`,
    );
  }
  textParts.push(...rest, `— ${input.productName}`);
  htmlParts.push(...rest.map((p) => `<p>${escapeHtml(p)}</p>`), `<p>— ${escapeHtml(input.productName)}</p>`);
  return {
    subject,
    text: `${textParts.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${htmlParts.join('\n')}</body></html>\n`,
  };
}
