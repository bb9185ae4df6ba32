import { inject, injectable } from 'tsyringe';
import { invalid } from '../../domain/shared/domain-error.js';
import { screenPassword, type PasswordOwner, type PlainPassword } from '../../domain/user/password-policy.js';
import { PASSWORD_SCREENING, type PasswordScreening } from '../ports/password-screening.port.js';

/** The password policy of API.md for a new password (register, change, reset). */
@injectable()
export class PasswordRules {
  constructor(@inject(PASSWORD_SCREENING) private readonly screening: PasswordScreening) {}

  async check(password: PlainPassword, owner: PasswordOwner, field = 'password'): Promise<void> {
    if (this.screening.policy === 'permissive') return;
    screenPassword(password, owner, this.screening.common, field);
    if (await this.screening.isBreached(password)) {
      throw invalid(field, 'has appeared in a data breach; choose another');
    }
  }
}
