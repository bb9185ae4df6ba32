import { Command, Option } from 'commander';
import { presentSessionRecord, presentUser } from '../../http/presenters.js';
import { isoDate, uuid } from '../arguments.js';
import { writeLine, type CliIo } from '../io.js';
import type { WithRuntime } from '../runtime-session.js';

/**
 * One account, and the sessions it had open, as they were at an instant: replayed from the event
 * log (not a read model), the same answer as `GET /admin/users/{id}?as_of=` and its sessions.
 * Without `--as-of`, as they are now. An erased account fails (its past is unreadable too).
 */
export function showUserCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('show-user')
    .description('An account and its active sessions, now or as they were at an instant, from the log.')
    .argument('<user-id>', 'the account id (a UUID)', uuid)
    .addOption(new Option('--as-of <instant>', 'ISO-8601 date or date-time').argParser(isoDate))
    .action(async (userId: string, options: { asOf?: Date }) => {
      await withRuntime(async (runtime) => {
        const records = runtime.useCases.accountRecords;
        const at = options.asOf ?? new Date();
        const [user, sessions] = [await records.userAsOf(userId, at), await records.sessionsAsOf(userId, at)];
        await writeLine(
          io.out,
          JSON.stringify(
            {
              as_of: at.toISOString(),
              user: presentUser(user),
              sessions: sessions.map(presentSessionRecord),
            },
            null,
            2,
          ),
        );
      });
    });
}
