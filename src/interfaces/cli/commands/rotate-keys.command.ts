import { Command } from 'commander';
import { writeLine, type CliIo } from '../io.js';
import type { WithRuntime } from '../runtime-session.js';

export function rotateKeysCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('rotate-keys')
    .description('Add a new signing key, which signs access tokens from now on; prints its kid.')
    .addHelpText(
      'after',
      [
        '',
        'Previous keys keep verifying for one access-token lifetime (ACCESS_TOKEN_TTL) after the rotation,',
        'so nobody is logged out. A running instance loads the new key when it restarts, or when it meets a',
        'token signed with the new kid (at most every 10 s); until then it signs with its current key.',
        'Restart the instances (rolling) within ACCESS_TOKEN_TTL of the rotation.',
        'With JWT_HMAC_SECRET set there is nothing to rotate here: change the secret instead.',
      ].join('\n'),
    )
    .action(async () => {
      await withRuntime(async (runtime) => {
        const kid = await runtime.wiring.keyRing.rotate();
        await writeLine(io.out, `New signing key: ${kid}`);
        await writeLine(
          io.out,
          `Running instances sign with it after a restart or once they meet a token with this kid; ` +
            `restart them within ACCESS_TOKEN_TTL (${runtime.config.accessTokenTtl} s). Older keys verify until then.`,
        );
      });
    });
}
