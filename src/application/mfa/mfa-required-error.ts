import { DomainError } from '../../domain/shared/domain-error.js';

/** A correct password on an MFA account: no tokens, only the challenge the second step answers. */
export class MfaRequiredError extends DomainError {
  constructor(
    readonly mfaToken: string,
    readonly expiresInSeconds: number,
  ) {
    super('mfa_required', 'A second factor is required: POST /auth/login/mfa with the mfa_token and a code.');
    this.name = 'MfaRequiredError';
  }
}
