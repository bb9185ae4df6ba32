import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { CommandHandler } from '../command-handler.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { ConcurrencyError } from '../ports/event-store.port.js';
import { REFRESH_TOKEN_CODEC, type RefreshTokenCodec } from '../ports/token-service.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { UserRepository } from '../users/user-repository.js';
import type { Principal } from './authenticate.use-case.js';
import { PasswordCheck } from './password-check.js';
import { TokenPairIssuer, type TokenPair } from './token-pair.js';
import { sessionEnded } from '../../domain/shared/refusals.js';

const wrongPassword = (): DomainError => new DomainError('invalid_credentials', 'The password is incorrect.');

/**
 * `POST /auth/reauthenticate`: the signed-in session proves the password again and gets a token
 * pair for the same session whose `auth_time` is now, so privileged changes are allowed for
 * REAUTH_WINDOW. The password goes through the one password check (budgets, lockout, audit), so
 * a stolen access token does not make this a guessing oracle. The refresh token rotates with it
 * (`SessionReauthenticated` and `TokenRefreshed` in one append): the response is a whole pair.
 */
@injectable()
export class Reauthenticate {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(REFRESH_TOKEN_CODEC) private readonly refreshTokens: RefreshTokenCodec,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(PasswordCheck) private readonly passwords: PasswordCheck,
    @inject(TokenPairIssuer) private readonly tokens: TokenPairIssuer,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  async execute(
    principal: Principal,
    input: { readonly password: string; readonly clientId?: string | undefined },
    ctx: RequestContext,
  ): Promise<TokenPair> {
    const actor = { ...ctx, actorId: principal.userId };
    const user = await this.users.find(principal.userId);
    if (user === null) throw sessionEnded();
    await this.passwords.verify(
      { identifier: user.email, user, deviceId: null },
      input.password,
      wrongPassword,
      actor,
      this.clock.now(),
    );
    if (user.status !== 'active') throw new DomainError('account_inactive', 'The account is deactivated.');
    const now = this.clock.now();
    const next = this.refreshTokens.issue(principal.sessionId);
    let handled;
    try {
      handled = await this.commands.handle(
        sessionStreamId(principal.sessionId),
        sessionDecider,
        (current) => {
          // The token's session is its user's by construction; never reauthenticate another's.
          if (current.status !== 'none' && current.userId !== principal.userId) throw sessionEnded();
          return {
            type: 'ReauthenticateSession',
            newDigest: next.digest,
            expiresAt: this.tokens.refreshExpiry(now),
            now,
            maxLifetimeMs: this.settings.sessionMaxLifetimeSeconds * 1000,
            ip: ctx.ip,
            userAgent: ctx.userAgent,
          } as const;
        },
        { metadata: metadataOf(actor), now },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) throw sessionEnded();
      throw error;
    }
    const { state } = handled;
    if (state.status !== 'active') throw sessionEnded();
    return this.tokens.issue(
      {
        userId: user.id,
        sessionId: principal.sessionId,
        role: user.role,
        refreshToken: next.token,
        refreshExpiresAt: state.expiresAt,
        clientId: input.clientId,
        authTime: state.authTime,
        // The factors proved at login stay proved; the password proof only renews auth_time.
        amr: state.amr,
      },
      now,
    );
  }
}
