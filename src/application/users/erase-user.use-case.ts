import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { ErasureReason } from '../../domain/user/user.events.js';
import { isRegistered } from '../../domain/user/user.decider.js';
import { usernameKey, type Username } from '../../domain/user/username.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { PasswordCheck } from '../auth/password-check.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { PERSONAL_DATA_KEYS, type PersonalDataKeys } from '../ports/personal-data.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from '../sessions/end-sessions.js';
import { IdentityClaims } from './identity-claims.js';
import { UserRepository } from './user-repository.js';
import { userNotFound, wrongCurrentPassword } from '../../domain/shared/refusals.js';

/**
 * Erasure by crypto-shredding (GDPR art. 17): every session ends, `UserErased` goes into the
 * user's stream, the email and username claims are released (both can be registered again), and
 * the user's data key is destroyed, so every personal field of the user's events, on every
 * instance and in every copy of the log, reads as null. The events themselves, their order and
 * the hash chain stay. Idempotent: erasing again (also after a crash half-way) redoes what is
 * left and appends nothing new.
 */
@injectable()
export class EraseUser {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EndSessions) private readonly endSessions: EndSessions,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(PasswordCheck) private readonly passwords: PasswordCheck,
    @inject(PERSONAL_DATA_KEYS) private readonly keys: PersonalDataKeys,
  ) {}

  /** DELETE /users/me: the current password, checked (and budgeted) like a login. */
  async eraseSelf(principal: Principal, currentPassword: string, ctx: RequestContext): Promise<void> {
    const { state } = await this.users.load(principal.userId);
    if (!isRegistered(state)) throw wrongCurrentPassword();
    await this.passwords.verify(
      { identifier: state.email, user: state, deviceId: null },
      currentPassword,
      wrongCurrentPassword,
      { ...ctx, actorId: principal.userId },
      this.clock.now(),
    );
    await this.erase(principal.userId, principal.userId, 'user-request', ctx);
  }

  /** POST /admin/users/{id}/erase. */
  async eraseByAdmin(userId: string, ctx: RequestContext): Promise<void> {
    if (ctx.actorId === userId) {
      throw new DomainError('conflict', 'Administrators erase their own account with DELETE /users/me.');
    }
    await this.erase(userId, ctx.actorId ?? 'system', 'admin', ctx);
  }

  private async erase(
    userId: string,
    actorId: string,
    reason: ErasureReason,
    ctx: RequestContext,
  ): Promise<void> {
    const metadata = metadataOf({ ...ctx, actorId });
    const { state } = await this.users.load(userId);
    if (state.status === 'unregistered') throw userNotFound();
    if (isRegistered(state)) {
      await this.endSessions.endAllOf(userId, 'erasure', metadata);
      await this.users.change(userId, { type: 'Erase', actorId, reason }, metadata);
      // Read before the key goes: once it is destroyed, nobody knows what was claimed.
      await this.claims.release('email', state.email, userId, metadata);
      if (state.username !== null)
        await this.claims.release('username', usernameKey(state.username as Username), userId, metadata);
    }
    await this.keys.destroyUserKey(userId, this.clock.now());
  }
}
