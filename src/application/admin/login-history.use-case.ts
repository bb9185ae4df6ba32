import { inject, injectable } from 'tsyringe';
import type { Page, PageRequest } from '../pagination.js';
import {
  LOGIN_ATTEMPT_READ_MODEL,
  type LoginAttemptFilter,
  type LoginAttemptReadModel,
  type LoginAttemptView,
} from '../ports/login-attempt-read-model.port.js';
import { READ_MODEL_SYNC, type ReadModelSync } from '../ports/read-model-sync.port.js';

/** What an operator filters the trail by: the email as typed, matched as it was recorded. */
export interface LoginAttemptCriteria extends Omit<LoginAttemptFilter, 'identifier'> {
  readonly email?: string | undefined;
}

/** Attempts record the identifier trimmed and lower-cased, so a search is normalised the same way. */
export const loginAttemptFilter = ({ email, ...rest }: LoginAttemptCriteria): LoginAttemptFilter => ({
  ...rest,
  identifier: email?.trim().toLowerCase(),
});

/** The audit trail of login attempts, newest first, from the login-attempts read model. */
@injectable()
export class LoginHistory {
  constructor(
    @inject(LOGIN_ATTEMPT_READ_MODEL) private readonly attempts: LoginAttemptReadModel,
    @inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
  ) {}

  async ofUser(userId: string, page: PageRequest): Promise<Page<LoginAttemptView>> {
    return this.query({ userId }, page);
  }

  async query(filter: LoginAttemptFilter, page: PageRequest): Promise<Page<LoginAttemptView>> {
    if (page.after === undefined) await this.sync.catchUp();
    return this.attempts.query(filter, page);
  }

  async *export(filter: LoginAttemptFilter): AsyncIterable<LoginAttemptView> {
    await this.sync.catchUp();
    yield* this.attempts.stream(filter);
  }
}
