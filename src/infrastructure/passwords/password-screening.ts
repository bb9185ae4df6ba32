import type { Logger } from '../../application/ports/logger.port.js';
import type { PasswordScreening } from '../../application/ports/password-screening.port.js';
import type { Config } from '../config/config.js';
import { loadCommonPasswords } from './common-password-list.js';
import { PwnedPasswordsClient } from './pwned-passwords-client.js';

/** The list is loaded once per process (~0.5 s, tens of MB) and shared by every runtime in it. */
let shared: ReadonlySet<string> | undefined;

export function passwordScreening(config: Config, logger: Logger): PasswordScreening {
  const permissive = config.passwordPolicy === 'permissive';
  const common = permissive ? new Set<string>() : (shared ??= loadCommonPasswords());
  const pwned =
    config.pwnedPasswordsUrl === undefined || permissive
      ? null
      : new PwnedPasswordsClient(config.pwnedPasswordsUrl, logger);
  return {
    policy: config.passwordPolicy,
    common,
    isBreached: async (password) => (pwned === null ? false : pwned.isBreached(password)),
  };
}
