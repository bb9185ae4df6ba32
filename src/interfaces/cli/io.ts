import { once } from 'node:events';

/** Where a command writes: results on `out`, progress, notes and errors on `err`. */
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** Writes one line, waiting for the reader when the stream's buffer is full (constant memory). */
export async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

/**
 * A command's report: with `--json` one JSON object for scripts, otherwise the lines an operator
 * reads. Only the form asked for is built.
 */
export async function writeReport(
  out: NodeJS.WritableStream,
  asJson: boolean,
  json: () => object,
  lines: () => readonly string[],
): Promise<void> {
  if (asJson) {
    await writeLine(out, JSON.stringify(json()));
    return;
  }
  for (const line of lines()) await writeLine(out, line);
}

/** A number with thousands separators, the way an operator reads counts. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
