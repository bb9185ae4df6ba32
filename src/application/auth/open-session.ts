import { inject, injectable } from 'tsyringe';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import type { MfaFactor } from '../../domain/user/mfa.events.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { handleCommand } from '../event-sourcing.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { REFRESH_TOKEN_CODEC, type RefreshTokenCodec } from '../ports/token-service.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { TokenPairIssuer, type TokenPair } from './token-pair.js';
import { TrustedDevices, type TrustedDevice } from './trusted-devices.js';

export interface SessionOpening {
  readonly user: RegisteredUser;
  readonly identifier: string;
  /** The client's trusted device, when it already is one; otherwise it becomes one now. */
  readonly device: TrustedDevice | null;
  readonly clientId?: string | undefined;
  /** RFC 8176 methods proved, kept by the session for every token it issues. */
  readonly amr: readonly string[];
  readonly secondFactor?: MfaFactor;
}

/** The end of every successful login: a new session stream, a trusted device, a token pair. */
@injectable()
export class OpenSession {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(REFRESH_TOKEN_CODEC) private readonly refreshTokens: RefreshTokenCodec,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(TrustedDevices) private readonly devices: TrustedDevices,
    @inject(TokenPairIssuer) private readonly tokens: TokenPairIssuer,
  ) {}

  async open(opening: SessionOpening, ctx: RequestContext, now: Date): Promise<TokenPair> {
    const { user, identifier, device, clientId, amr, secondFactor } = opening;
    const sessionId = this.ids.uuid();
    const refresh = this.refreshTokens.issue(sessionId);
    const refreshExpiresAt = this.tokens.refreshExpiry(now);
    await handleCommand(
      this.store,
      sessionStreamId(sessionId),
      sessionDecider,
      {
        type: 'StartSession',
        sessionId,
        userId: user.id,
        identifier,
        refreshTokenDigest: refresh.digest,
        expiresAt: refreshExpiresAt.toISOString(),
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        amr,
        ...(secondFactor !== undefined ? { secondFactor } : {}),
      },
      { metadata: { ...metadataOf(ctx), actorId: user.id }, now, retries: 0 },
    );
    const trusted = device ?? (await this.devices.trust(user.id, sessionId, ctx, now));
    const pair = await this.tokens.issue(
      {
        userId: user.id,
        sessionId,
        role: user.role,
        refreshToken: refresh.token,
        refreshExpiresAt,
        clientId,
        authTime: now,
        amr,
      },
      now,
    );
    return { ...pair, deviceToken: trusted.token };
  }
}
