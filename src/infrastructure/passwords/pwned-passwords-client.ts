import { createHash } from 'node:crypto';
import type { Logger } from '../../application/ports/logger.port.js';

/**
 * The Have I Been Pwned range API by k-anonymity: only the first 5 hex digits of the password's
 * SHA-1 leave the process; the answer lists `SUFFIX:COUNT` lines for that prefix (padding lines
 * have count 0 when `Add-Padding` is asked for). Any failure or timeout fails open with a warning:
 * an outage there must not stop registrations here.
 */
export class PwnedPasswordsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 2000,
  ) {}

  async isBreached(password: string): Promise<boolean> {
    const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffix = sha1.slice(5);
    try {
      const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/${prefix}`, {
        headers: { 'Add-Padding': 'true', 'User-Agent': 'event-sourced-auth' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      for (const line of (await response.text()).split('\n')) {
        const [lineSuffix, count] = line.trim().split(':');
        if (lineSuffix?.toUpperCase() === suffix && Number(count) > 0) return true;
      }
      return false;
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'breached-password check unavailable; accepting the password (fail open)',
      );
      return false;
    }
  }
}
