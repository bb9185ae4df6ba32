import type { DomainEvent } from '../shared/event.js';

/**
 * A client proved the password of one account and got a device token; only its digest is kept,
 * in the stream named after it, so a later login finds it by the token alone.
 */
export type DeviceTrusted = DomainEvent<
  'DeviceTrusted',
  { readonly deviceId: string; readonly userId: string; readonly sessionId: string }
>;

export const trustedDeviceStreamId = (digest: string): string => `trusted-device-${digest}`;
