import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import type { LoginFailureOutcome } from '../../domain/login-attempt/login-attempt.events.js';
import { loginOutcome } from '../../domain/login-attempt/login-outcome.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { handleCommand } from '../event-sourcing.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { REFRESH_TOKEN_CODEC, type RefreshTokenCodec } from '../ports/token-service.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { IdentityClaims } from '../users/identity-claims.js';
import { LoginAttempts } from './login-attempts.js';
import { TokenPairIssuer, type TokenPair } from './token-pair.js';

export interface LogInInput {
  /** An email or a username, as typed. */
  readonly identifier: string;
  readonly password: string;
}

const invalidCredentials = (): DomainError =>
  new DomainError('invalid_credentials', 'Incorrect email, username or password.');

const secondsUntil = (until: Date, now: Date): number =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/**
 * Every attempt ends as an event: `LoggedIn` in a new session stream, or `LoginFailed` in the
 * attempts stream of the identifier and address. An unknown account, a wrong password and a
 * guessed-at lock all answer alike; only a correct password reveals that an account is deactivated.
 */
@injectable()
export class LogIn {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(REFRESH_TOKEN_CODEC) private readonly refreshTokens: RefreshTokenCodec,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(TokenPairIssuer) private readonly tokens: TokenPairIssuer,
  ) {}

  async execute(input: LogInInput, ctx: RequestContext): Promise<TokenPair> {
    const identifier = input.identifier.trim().toLowerCase();
    const now = this.clock.now();
    const facts = {
      rateLimited: false,
      locked: false,
      userExists: false,
      passwordMatches: false,
      userActive: false,
    };

    // Established cheapest first: a refusal that needs no password check spends no bcrypt.
    const budget = ctx.ip === null ? null : await this.rateLimiter.consume('login', ctx.ip);
    facts.rateLimited = budget !== null && !budget.allowed;
    const [status, user] = facts.rateLimited
      ? [null, null]
      : await Promise.all([
          this.attempts.status(identifier, ctx.ip, now),
          this.claims.holder(identifier.includes('@') ? 'email' : 'username', identifier),
        ]);
    facts.locked = status?.lockedUntil != null;
    if (!facts.rateLimited && !facts.locked) {
      facts.userExists = user !== null;
      facts.passwordMatches =
        user === null
          ? await this.hasher.verifyAgainstDummy(input.password)
          : await this.hasher.verify(input.password, user.passwordHash);
      facts.userActive = user?.status === 'active';
    }

    const outcome = loginOutcome(facts);
    if (outcome !== 'success' || user === null) {
      const failure = outcome === 'success' ? 'unknown_user' : outcome;
      const { lockedUntil } = await this.attempts.recordFailure(
        { identifier, userId: user?.id ?? null, outcome: failure, status },
        ctx,
        now,
      );
      throw this.refusal(
        failure,
        lockedUntil ?? status?.lockedUntil ?? null,
        budget?.retryAfterSeconds ?? 1,
        now,
      );
    }
    const sessionId = this.ids.uuid();
    const refresh = this.refreshTokens.issue(sessionId);
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
        expiresAt: this.tokens.refreshExpiry(now).toISOString(),
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      },
      { metadata: { ...metadataOf(ctx), actorId: user.id }, now, retries: 0 },
    );
    return this.tokens.issue(
      { userId: user.id, sessionId, role: user.role, refreshToken: refresh.token },
      now,
    );
  }

  /** A guess that reaches the lockout threshold is answered as locked at once. */
  private refusal(
    outcome: LoginFailureOutcome,
    lockedUntil: Date | null,
    retryAfter: number,
    now: Date,
  ): DomainError {
    if (outcome === 'rate_limited') {
      return new RetryLaterError('rate_limited', 'Too many login attempts; try again later.', retryAfter);
    }
    if (lockedUntil !== null) {
      return new RetryLaterError(
        'account_locked',
        'Too many failed attempts; try again later.',
        secondsUntil(lockedUntil, now),
      );
    }
    if (outcome === 'inactive') return new DomainError('account_inactive', 'The account is deactivated.');
    return invalidCredentials();
  }
}
