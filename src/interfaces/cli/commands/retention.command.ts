import { Command, Option } from 'commander';
import type { RetentionReport } from '../../../application/privacy/expire-personal-data.use-case.js';
import { isoDate } from '../arguments.js';
import { EXIT_USAGE } from '../errors.js';
import { formatCount, writeReport, type CliIo } from '../io.js';
import type { WithRuntime } from '../runtime-session.js';

const report = (r: RetentionReport): string[] => {
  const keys = r.periods.reduce((sum, p) => sum + p.keys, 0);
  const days = r.retentionSeconds / 86_400;
  const head = `Retention ${Number.isInteger(days) ? `${days}d` : `${r.retentionSeconds}s`}: attempts of the days before ${r.before} are due.`;
  const lines = r.periods.map((p) => `${p.period}  ${formatCount(p.keys)} key${p.keys === 1 ? '' : 's'}`);
  const verb = r.applied ? 'Destroyed' : 'Would destroy';
  const tail = `${verb} ${formatCount(keys)} key${keys === 1 ? '' : 's'} of ${formatCount(r.periods.length)} day${r.periods.length === 1 ? '' : 's'}${r.applied ? '' : ' (dry run: nothing changed)'}.`;
  return [head, ...lines, tail];
};

/**
 * The retention sweep the service runs every hour (AUDIT_PII_RETENTION), run now: which days'
 * attempts are past the limit and how many data keys each still has; without `--dry-run` they
 * are recorded (`PersonalDataExpired`) and destroyed.
 */
export function retentionCommand(io: CliIo, withRuntime: WithRuntime): Command {
  const command: Command = new Command('retention')
    .description(
      'Destroy the personal data of attempts older than AUDIT_PII_RETENTION, or say what would go.',
    )
    .option('--dry-run', 'list what is due; change nothing')
    .addOption(
      new Option('--at <instant>', 'with --dry-run: what would be due at this instant').argParser(isoDate),
    )
    .option('--json', 'print one JSON object')
    .action(async (options: { dryRun?: boolean; at?: Date; json?: boolean }) => {
      const dryRun = options.dryRun === true;
      if (options.at !== undefined && !dryRun)
        command.error('error: --at only previews what would be due: use it with --dry-run', {
          exitCode: EXIT_USAGE,
        });
      await withRuntime(async (runtime) => {
        const result = await runtime.useCases.expirePersonalData.sweep(options.at ?? new Date(), { dryRun });
        await writeReport(
          io.out,
          options.json === true,
          () => ({
            before: result.before,
            retention_seconds: result.retentionSeconds,
            applied: result.applied,
            periods: result.periods,
          }),
          () => report(result),
        );
      });
    });
  return command;
}
