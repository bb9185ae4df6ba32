import 'reflect-metadata';
import type { CliIo } from './io.js';
import { runCli } from './program.js';
import { runtimeSession } from './runtime-session.js';

/** The operator CLI: `npm run cli -- <command>` (or `node dist/interfaces/cli/main.js <command>`). */
const io: CliIo = { out: process.stdout, err: process.stderr, env: process.env };

// A reader that went away (`… | head`) is not a failure of the command: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), io, runtimeSession(io.env));
