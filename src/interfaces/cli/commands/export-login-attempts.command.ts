import { Command, Option } from 'commander';
import { loginAttemptFilter } from '../../../application/admin/login-history.use-case.js';
import { LOGIN_OUTCOMES, type LoginOutcome } from '../../../domain/login-attempt/login-attempt.events.js';
import { presentAttempt } from '../../http/presenters.js';
import { isoDate, uuid } from '../arguments.js';
import { formatCount, writeLine, type CliIo } from '../io.js';
import type { WithRuntime } from '../runtime-session.js';

interface ExportOptions {
  readonly userId?: string;
  readonly email?: string;
  readonly outcome?: LoginOutcome;
  readonly ip?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export function exportLoginAttemptsCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('export-login-attempts')
    .description('Stream matching login attempts as NDJSON on stdout, newest first.')
    .addOption(new Option('--user-id <uuid>', 'attempts on this account').argParser(uuid))
    .addOption(
      new Option('--email <identifier>', 'attempts with this identifier (email or username, as typed)'),
    )
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(LOGIN_OUTCOMES))
    .addOption(new Option('--ip <address>', 'attempts from this client address'))
    .addOption(new Option('--from <date>', 'at or after this ISO-8601 date-time').argParser(isoDate))
    .addOption(new Option('--to <date>', 'before this ISO-8601 date-time').argParser(isoDate))
    .addHelpText(
      'after',
      [
        '',
        'Each line: {"id","occurred_at","outcome","user_id","identifier","ip","user_agent","session_id"},',
        'the same shape as GET /admin/login-attempts; no password, hash or token is ever included.',
        'The read models are brought up to date first (from their checkpoints).',
        '',
        'Example:',
        '  npm run cli --silent -- export-login-attempts --outcome locked --from 2025-01-01 > locked.ndjson',
      ].join('\n'),
    )
    .action(async (options: ExportOptions) => {
      const filter = loginAttemptFilter(options);
      await withRuntime(async (runtime) => {
        await runtime.catchUpReadModels();
        let count = 0;
        for await (const attempt of runtime.useCases.loginHistory.export(filter)) {
          await writeLine(io.out, JSON.stringify(presentAttempt(attempt)));
          count += 1;
        }
        await writeLine(io.err, `Exported ${formatCount(count)} login attempts.`);
      });
    });
}
