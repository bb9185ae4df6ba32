import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { UserRepository } from './user-repository.js';

@injectable()
export class GetCurrentUser {
  constructor(@inject(UserRepository) private readonly users: UserRepository) {}

  async execute(principal: Principal): Promise<UserProfile> {
    const user = await this.users.find(principal.userId);
    if (user === null) throw new DomainError('user_not_found', 'The user no longer exists.');
    if (user.status !== 'active') throw new DomainError('account_inactive', 'The account is deactivated.');
    return profileOf(user);
  }
}
