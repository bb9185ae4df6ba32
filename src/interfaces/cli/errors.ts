import { InvalidArgumentError, type CommanderError } from 'commander';

export const EXIT_OK = 0;
/** The command could not do its work: store unreachable, unknown user, bad configuration… */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong (commander's default would be 1). */
export const EXIT_USAGE = 2;

/**
 * Exit code for what commander threw under `exitOverride`: help asked for (`--help`, `help <cmd>`)
 * and the version come with 0; every other case, help shown for a missing command included, is usage.
 */
export function exitCodeOf(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
}

/** The first line of an error's message: the stderr contract is one clear line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]?.trim() || 'unknown error';
}

/** Wraps an argument parser so its failure is reported by commander as a usage error (exit 2). */
export const usageChecked =
  <T>(parse: (raw: string) => T) =>
  (raw: string): T => {
    try {
      return parse(raw);
    } catch (error) {
      throw new InvalidArgumentError(oneLine(error));
    }
  };
