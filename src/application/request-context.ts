import type { EventMetadata } from './ports/event-store.port.js';

/** Where a command came from; every event it causes carries this as metadata. */
export interface RequestContext {
  readonly requestId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The authenticated caller, when there is one. */
  readonly actorId?: string | undefined;
}

export const metadataOf = (ctx: RequestContext): EventMetadata => ({
  requestId: ctx.requestId,
  ip: ctx.ip ?? undefined,
  userAgent: ctx.userAgent ?? undefined,
  actorId: ctx.actorId,
});
