import type { DomainEvent } from '../shared/event.js';

/** Why a presented token was refused. `superseded`: a rotated refresh token within the reuse grace. */
export const TOKEN_REJECTION_REASONS = ['invalid', 'expired', 'revoked', 'superseded', 'inactive'] as const;
export type TokenRejectionReason = (typeof TOKEN_REJECTION_REASONS)[number];

/**
 * Presented tokens that were refused, counted per (token kind, reason, address) and minute: a flood
 * of forged tokens adds one event per minute, not one per request. The token itself is never kept.
 */
export type TokenRejected = DomainEvent<
  'TokenRejected',
  {
    readonly token: 'access' | 'refresh';
    readonly reason: TokenRejectionReason;
    readonly ip: string | null;
    readonly userAgent: string | null;
    readonly count: number;
    readonly firstAt: string;
    readonly lastAt: string;
  }
>;

/** An authenticated caller without the role tried an admin route (the declared path, never the raw one). */
export type AdminAccessDenied = DomainEvent<
  'AdminAccessDenied',
  {
    readonly userId: string;
    readonly sessionId: string;
    readonly method: string;
    readonly path: string;
    readonly ip: string | null;
    readonly count: number;
    readonly firstAt: string;
    readonly lastAt: string;
  }
>;

export type AccessRefusalEvent = TokenRejected | AdminAccessDenied;

const hourBucket = (at: Date): string => at.toISOString().slice(0, 13).replace(/[-T]/g, '');

/** Filed per hour and address (keyed: an HMAC digest), in streams nothing reads to decide: appended with `any`. */
export const accessRefusalsStreamId = (address: string, at: Date): string =>
  `access-refusals-${hourBucket(at)}-${address}`;
