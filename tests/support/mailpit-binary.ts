/**
 * The Mailpit binary the mail tests use as a real SMTP server with an HTTP API to read what it
 * received: built once with `go install` into the cache outside git (like FerretDB), so no test
 * downloads a prebuilt binary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './ferretdb-binary.js';

export const MAILPIT_VERSION = 'v1.33.1';

export function mailpitBinaryPath(): string {
  const cacheRoot = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cacheRoot, 'auth-service', `mailpit-${MAILPIT_VERSION}`, 'mailpit');
}

/**
 * `GOBIN` is a directory of its own per version; the binary lands there as `mailpit` only when
 * the build succeeded, and is renamed from a temporary GOBIN so an interrupted build never leaves
 * a half-written binary that a later run would trust. (`mailpit version` fails offline: it asks
 * GitHub for the latest release, so `--help` is the liveness check.)
 */
export async function ensureMailpitBinary(): Promise<string> {
  const target = mailpitBinaryPath();
  if (existsSync(target) && spawnSync(target, ['--help'], { stdio: 'ignore' }).status === 0) return target;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`no working binary at ${target} and no Go toolchain on PATH to build it`);
  }
  console.log(
    `[test-mail] building Mailpit ${MAILPIT_VERSION} into ${target} (first run only, a few minutes)…`,
  );
  const dir = join(target, '..');
  const partialBin = join(dir, `partial-${process.pid}`);
  await mkdir(partialBin, { recursive: true });
  const previous = process.env['GOBIN'];
  process.env['GOBIN'] = partialBin;
  try {
    await runCommand('go', ['install', `github.com/axllent/mailpit@${MAILPIT_VERSION}`], dir);
  } finally {
    if (previous === undefined) delete process.env['GOBIN'];
    else process.env['GOBIN'] = previous;
  }
  await rename(join(partialBin, 'mailpit'), target);
  return target;
}
