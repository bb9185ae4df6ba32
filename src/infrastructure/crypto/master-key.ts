import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../application/ports/logger.port.js';
import { ConfigError, type Config } from '../config/config.js';

export const MASTER_KEY_FILE = 'master.key';

/**
 * DATA_ENCRYPTION_KEY when set. Embedded only, a key generated once into DATA_DIR/master.key
 * (0600) next to the data it protects; config refuses MongoDB mode without the variable, since
 * instances sharing a database must share the key and nothing on disk is shared.
 */
export async function loadMasterKey(config: Config, logger: Logger): Promise<Uint8Array> {
  if (config.dataEncryptionKey !== undefined) return config.dataEncryptionKey;
  if (config.mongodbUri !== undefined)
    throw new ConfigError('DATA_ENCRYPTION_KEY', 'must be set when MONGODB_URI is set');
  const file = path.join(config.dataDir, MASTER_KEY_FILE);
  try {
    return decode(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  try {
    // 'wx': two processes starting at once on one DATA_DIR must not each write their own key.
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn(
      { file },
      'generated a master key; back it up: losing it loses the signing keys and all personal data',
    );
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return decode(await readFile(file, 'utf8'), file);
  }
}

function decode(text: string, file: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key.`);
  return key;
}
