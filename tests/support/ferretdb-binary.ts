/**
 * The FerretDB binary the tests use when no MONGODB_URI or Docker engine provides a MongoDB: built
 * once from the Go module proxy into a cache outside git, shared by the global setup and by the
 * tests that need a server of their own to kill and restart.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';

export const FERRETDB_VERSION = 'v1.24.2';

/** A FerretDB on SQLite files in `dataDir` (a directory: `mode=memory` allows one connection), quiet. */
export const ferretDbArgs = (port: number, dataDir: string): string[] => [
  '--handler=sqlite',
  `--sqlite-url=file:${dataDir}/`,
  `--listen-addr=127.0.0.1:${port}`,
  '--state-dir=-',
  '--telemetry=disable',
  '--debug-addr=-',
  '--log-level=error',
];

export function ferretDbBinaryPath(): string {
  const cacheRoot = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cacheRoot, 'auth-service', `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/**
 * `go install …@v1.24.2` fails here (the module proxy refuses the version list), so the binary is
 * built from a throwaway module that requires the exact version. FerretDB panics at start-up unless
 * build/version/version.txt is embedded, and the module-cache copy lacks it, so the build uses a
 * writable copy of the source with that file added (a `replace` directive). The binary is written
 * under a temporary name and renamed, so an interrupted build never leaves a half-written binary.
 * A cached binary that cannot even print its version (e.g. built without version.txt) is rebuilt.
 */
export async function ensureFerretDbBinary(): Promise<string> {
  const target = ferretDbBinaryPath();
  if (existsSync(target) && spawnSync(target, ['--version'], { stdio: 'ignore' }).status === 0) {
    return target;
  }
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`no working binary at ${target} and no Go toolchain on PATH to build it`);
  }

  console.log(`[test-mongo] building FerretDB ${FERRETDB_VERSION} into ${target} (first run only, ~2 min)…`);
  const buildDir = await mkdtemp(join(tmpdir(), 'ferretdb-build-'));
  try {
    const moduleDir = await downloadFerretDbSource(buildDir);
    const source = join(buildDir, 'ferretdb-src');
    await cp(moduleDir, source, { recursive: true });
    await makeWritable(source);
    await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    await writeFile(
      join(buildDir, 'go.mod'),
      `module ferretdb-build\n\ngo 1.24\n\nrequire github.com/FerretDB/FerretDB ${FERRETDB_VERSION}\n\n` +
        'replace github.com/FerretDB/FerretDB => ./ferretdb-src\n',
    );
    await writeFile(
      join(buildDir, 'tools.go'),
      '//go:build tools\n\npackage tools\n\nimport _ "github.com/FerretDB/FerretDB/cmd/ferretdb"\n',
    );
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}`;
    await runCommand('go', ['mod', 'tidy'], buildDir);
    await runCommand('go', ['build', '-o', partial, 'github.com/FerretDB/FerretDB/cmd/ferretdb'], buildDir);
    await rename(partial, target);
    return target;
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
}
/** Fetches the exact module version into the Go module cache and returns its (read-only) dir. */
async function downloadFerretDbSource(cwd: string): Promise<string> {
  const output = await runCommand(
    'go',
    ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`],
    cwd,
  );
  const parsed: unknown = JSON.parse(output);
  const dir = typeof parsed === 'object' && parsed !== null && 'Dir' in parsed ? parsed.Dir : undefined;
  if (typeof dir !== 'string') throw new Error(`go mod download printed no Dir:\n${output}`);
  return dir;
}

/** The module cache is read-only; the copy must accept version.txt. */
async function makeWritable(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  await chmod(dir, 0o755);
  for (const entry of entries) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

/** Runs a command to completion and resolves with its stdout. */
export function runCommand(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)}:\n${stderr}`));
    });
  });
}

/** Resolves once the server at `uri` answers a ping; fails at once if `exited()` says it died. */
export async function waitForPing(uri: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('timed out');
  while (Date.now() < deadline) {
    if (exited()) throw new Error('FerretDB exited');
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.close().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw lastError;
}
