import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { parseEmail } from '../../domain/user/email.js';
import type { RequestContext } from '../request-context.js';
import { IdentityClaims } from '../users/identity-claims.js';
import { RegisterUser } from '../users/register-user.use-case.js';
import { AdministerUsers } from './administer-users.use-case.js';

const SYSTEM: RequestContext = {
  requestId: 'bootstrap',
  ip: null,
  userAgent: 'auth-service',
  actorId: 'system',
};

/** The first administrator and the operator's role commands. */
@injectable()
export class BootstrapAdmin {
  constructor(
    @inject(RegisterUser) private readonly register: RegisterUser,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(AdministerUsers) private readonly admin: AdministerUsers,
  ) {}

  /**
   * Registers the administrator when no user has the email. Idempotent across restarts, and across
   * instances starting together: the email claim lets exactly one of them register it.
   */
  async ensure(email: string, password: string): Promise<'created' | 'exists'> {
    if ((await this.claims.holder('email', parseEmail(email, 'ADMIN_EMAIL'))) !== null) return 'exists';
    try {
      await this.register.execute({ email, password }, SYSTEM, 'admin');
      return 'created';
    } catch (error) {
      if (error instanceof DomainError && error.code === 'email_taken') return 'exists';
      throw error;
    }
  }

  async setRole(email: string, role: 'admin' | 'user'): Promise<{ userId: string; role: string }> {
    const user = await this.claims.holder('email', parseEmail(email));
    if (user === null) throw new DomainError('user_not_found', `No user has the email ${email}.`);
    const updated = await this.admin.changeRole(user.id, role, { ...SYSTEM, requestId: 'cli' });
    return { userId: updated.id, role: updated.role };
  }
}
