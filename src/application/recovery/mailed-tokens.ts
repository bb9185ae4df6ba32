import { inject, injectable } from 'tsyringe';
import type { TokenIssue } from '../../domain/user/account-recovery.js';
import { FIELD_SEALER, type FieldSealer } from '../ports/field-sealer.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { MAIL_TOKEN_CODEC, type MailTokenCodec } from '../ports/mail-token.port.js';

/**
 * Issues a mailed token: its digest goes into the event to check against, the token itself
 * sealed under the master key (bound to purpose and user) so only the mail sender can open it.
 */
@injectable()
export class MailedTokens {
  constructor(
    @inject(MAIL_TOKEN_CODEC) private readonly codec: MailTokenCodec,
    @inject(FIELD_SEALER) private readonly sealer: FieldSealer,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  issue(purpose: string, userId: string, expiresAt: Date): TokenIssue {
    const { token, digest } = this.codec.issue(userId);
    return {
      requestId: this.ids.uuid(),
      tokenDigest: digest,
      sealedToken: this.sealer.seal({ purpose, subjectId: userId }, token),
      expiresAt,
    };
  }

  parse(token: string): { readonly userId: string; readonly digest: string } | null {
    return this.codec.parse(token);
  }
}
