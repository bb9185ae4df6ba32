import cliProgress from 'cli-progress';
import { formatCount } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 1000;

/**
 * A bar on a terminal; otherwise (CI, a log file) a plain line at most once a second and at the
 * end, so the output stays readable where a bar's carriage returns would not be.
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean },
): Progress {
  return stream.isTTY === true ? barProgress(label, stream) : plainProgress(label, stream);
}

function barProgress(label: string, stream: NodeJS.WritableStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {duration_formatted}`,
      stream,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
        return;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function plainProgress(label: string, stream: NodeJS.WritableStream): Progress {
  let lastAt = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done < total && now - lastAt < PLAIN_INTERVAL_MS) return;
      lastAt = now;
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      stream.write(`${label}: ${formatCount(done)}/${formatCount(total)} events (${percent}%)\n`);
    },
    stop() {},
  };
}
