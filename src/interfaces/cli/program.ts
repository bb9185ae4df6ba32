import { Command, CommanderError } from 'commander';
import { exportLoginAttemptsCommand } from './commands/export-login-attempts.command.js';
import { mailStatusCommand } from './commands/mail-status.command.js';
import { rebuildCommand } from './commands/rebuild.command.js';
import { retentionCommand } from './commands/retention.command.js';
import { grantAdminCommand, revokeAdminCommand } from './commands/role.commands.js';
import { rotateKeysCommand } from './commands/rotate-keys.command.js';
import { showUserCommand } from './commands/show-user.command.js';
import { statsCommand } from './commands/stats.command.js';
import { verifyLogCommand } from './commands/verify-log.command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeOf, oneLine } from './errors.js';
import type { CliIo } from './io.js';
import type { WithRuntime } from './runtime-session.js';

const ENVIRONMENT_HELP = [
  '',
  'Configuration comes from the same environment as the service: MONGODB_URI (MongoDB mode) or',
  'DATA_DIR (embedded mode, default ./data), BCRYPT_COST, JWT_*, ACCESS_TOKEN_TTL, LOG_LEVEL (default',
  'here: warn, on stderr). Nothing is served: no HTTP server and no live projection runner start.',
  '',
  'Exit status: 0 success, 1 operational failure, 2 usage error.',
].join('\n');

export function buildProgram(io: CliIo, withRuntime: WithRuntime): Command {
  const program = new Command('auth-cli')
    .description('Operator commands for the auth service.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out.write(text),
      writeErr: (text) => io.err.write(text),
    })
    .helpCommand(true)
    .addHelpText('after', ENVIRONMENT_HELP);
  for (const command of [
    rebuildCommand(io, withRuntime),
    grantAdminCommand(io, withRuntime),
    revokeAdminCommand(io, withRuntime),
    rotateKeysCommand(io, withRuntime),
    statsCommand(io, withRuntime),
    exportLoginAttemptsCommand(io, withRuntime),
    verifyLogCommand(io, withRuntime),
    mailStatusCommand(io, withRuntime),
    showUserCommand(io, withRuntime),
    retentionCommand(io, withRuntime),
  ]) {
    // addCommand, unlike .command(), does not pass exitOverride and the output on by itself.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/**
 * Parses and runs one command; resolves to the exit status. Commander has already printed its own
 * usage errors (one line); anything else the command throws is printed here as one line.
 */
export async function runCli(argv: readonly string[], io: CliIo, withRuntime: WithRuntime): Promise<number> {
  if (argv.length === 0) {
    // Commander would print the whole help on stderr; the contract is one line.
    io.err.write('error: no command given (run with --help to list the commands)\n');
    return EXIT_USAGE;
  }
  try {
    await buildProgram(io, withRuntime).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error);
    io.err.write(`error: ${oneLine(error)}\n`);
    return EXIT_FAILURE;
  }
}
