import { Command, InvalidArgumentError } from 'commander';
import { verifyLog } from '../../../infrastructure/audit/log-verifier.js';
import { formatCount, formatSeconds, writeLine, type CliIo } from '../io.js';
import { progressReporter } from '../progress.js';
import type { WithRuntime } from '../runtime-session.js';

const position = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError('must be a position (1 or more)');
  return value;
};

export function verifyLogCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('verify-log')
    .description(
      'Re-compute the audit hash chain and check every signed checkpoint; exit 1 at the first bad position.',
    )
    .option('--from <position>', 'start at the position a signed checkpoint in the log names', position)
    .option(
      '--checkpoint <jws>',
      'a checkpoint kept outside the store: the log must still reach it, unchanged',
    )
    .addHelpText(
      'after',
      [
        '',
        'Finds an edited, missing, inserted or reordered event and a bad checkpoint signature. A log cut',
        'below its last checkpoint takes that checkpoint with it: only --checkpoint, kept elsewhere, proves',
        'the cut (copy them from GET /admin/audit/checkpoints).',
      ].join('\n'),
    )
    .action(async (options: { from?: number; checkpoint?: string }) => {
      await withRuntime(async (runtime) => {
        const progress = progressReporter('verify', io.err);
        const started = Date.now();
        let result;
        try {
          result = await verifyLog(runtime.storage.storedEvents, runtime.wiring.keyRing, {
            from: options.from,
            checkpoint: options.checkpoint,
            onProgress: (done, total) => progress.update(done, total),
          });
        } finally {
          progress.stop();
        }
        if (!result.ok) throw new Error(`position ${result.position}: ${result.reason}`);
        if (result.unhashed > 0) {
          await writeLine(
            io.out,
            `Positions 1–${result.unhashed} were stored before the hash chain and are not covered; ` +
              `the chain starts at ${result.chainStart ?? 'no event yet'}.`,
          );
        }
        await writeLine(
          io.out,
          `${formatCount(result.events)} events verified (head ${formatCount(result.head)}, ` +
            `${formatCount(result.checkpoints)} checkpoint signatures) in ${formatSeconds(Date.now() - started)}.`,
        );
      });
    });
}
