import { Command, Option } from 'commander';
import { formatCount, writeReport, type CliIo } from '../io.js';
import type { WithRuntime } from '../runtime-session.js';

/**
 * The mail queue as the outbox read model has it (caught up with the log first): counts, and the
 * oldest pending messages with their attempts and last error. Recipients and tokens are not shown.
 */
export function mailStatusCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('mail-status')
    .description('The mail outbox: pending, failing and sent messages, and the oldest pending ones.')
    .option('--json', 'print one JSON object instead of a table')
    .addOption(new Option('--limit <n>', 'pending messages to list').default('20').argParser(Number))
    .action(async (options: { json?: boolean; limit: number }) => {
      await withRuntime(async (runtime) => {
        await runtime.catchUpReadModels();
        const outbox = runtime.storage.mailOutbox;
        const summary = await outbox.summary();
        const limit = Number.isInteger(options.limit) && options.limit > 0 ? options.limit : 20;
        const pending = (await outbox.pending(limit)).map((m) => ({
          id: m.id,
          kind: m.kind,
          created_at: m.createdAt,
          attempts: m.attempts,
          next_attempt_at: m.nextAttemptAt,
          last_error: m.lastError,
        }));
        await writeReport(
          io.out,
          options.json === true,
          () => ({
            pending: summary.pending,
            failing: summary.failing,
            sent: summary.sent,
            expired: summary.expired,
            oldest_pending_at: summary.oldestPendingAt,
            messages: pending,
          }),
          () => [
            `Pending:  ${formatCount(summary.pending)} (${formatCount(summary.failing)} failing)`,
            `Sent:     ${formatCount(summary.sent)}`,
            `Expired:  ${formatCount(summary.expired)} (not sent: dead token or too old)`,
            `Oldest pending: ${summary.oldestPendingAt ?? '-'}`,
            ...pending.map(
              (m) =>
                `  ${m.id.padStart(8)}  ${m.kind.padEnd(18)}  attempts ${m.attempts}  next ${m.next_attempt_at}${
                  m.last_error === null ? '' : `  last error: ${m.last_error}`
                }`,
            ),
          ],
        );
      });
    });
}
