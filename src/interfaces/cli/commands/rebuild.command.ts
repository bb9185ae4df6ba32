import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { formatCount, formatSeconds, writeLine } from '../io.js';
import { progressReporter } from '../progress.js';
import { READ_MODEL_NAMES } from '../read-models.js';
import type { WithRuntime } from '../runtime-session.js';

const MONGODB_WARNING =
  'warning: running instances are not paused; their projection runners continue from their own checkpoints ' +
  'and may write into the collections while they are rebuilt. For an exact result, stop them first or restart them afterwards.';

const EMBEDDED_NOTE =
  'Embedded store: the read models in DATA_DIR/read-models.sqlite were emptied and rebuilt with their checkpoints. ' +
  'A running instance is not paused: it keeps following the log from its own checkpoint into the same file.';

export function rebuildCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('rebuild')
    .description('Empty read models and replay the event log into them from position 0, with progress.')
    .addOption(
      new Option(
        '--read-model <name...>',
        'read model to rebuild; repeat for several (default: all)',
      ).choices(READ_MODEL_NAMES),
    )
    .addHelpText(
      'after',
      [
        '',
        'MongoDB (MONGODB_URI set): resets and rebuilds the shared collections and their checkpoints.',
        'Embedded (DATA_DIR): resets and rebuilds DATA_DIR/read-models.sqlite and its checkpoints; a start',
        'otherwise resumes from those checkpoints instead of replaying the log.',
        '',
        'Examples:',
        '  npm run cli -- rebuild',
        '  npm run cli -- rebuild --read-model sessions --read-model login-attempts',
      ].join('\n'),
    )
    .action(async (options: { readModel?: string[] }) => {
      const names = [...new Set(options.readModel ?? READ_MODEL_NAMES)];
      await withRuntime(async (runtime) => {
        const embedded = runtime.storage.mode === 'embedded';
        if (!embedded) await writeLine(io.err, MONGODB_WARNING);
        const progress = progressReporter(`rebuild ${names.join(', ')}`, io.err);
        const started = Date.now();
        let replayed: number;
        try {
          replayed = await runtime.wiring.readModels.rebuild(names, (done, total) =>
            progress.update(done, total),
          );
        } finally {
          progress.stop();
        }
        await writeLine(
          io.out,
          `Rebuilt ${names.join(', ')} from position 0: ${formatCount(replayed)} events replayed in ${formatSeconds(Date.now() - started)}.`,
        );
        if (embedded) await writeLine(io.out, EMBEDDED_NOTE);
      });
    });
}
