import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../support/api.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const modeOf = async (file: string): Promise<string> => ((await stat(file)).mode & 0o777).toString(8);

/** Every file the service wrote into `dir`, with its permission bits in octal. */
async function modesIn(dir: string): Promise<Record<string, string>> {
  const modes: Record<string, string> = {};
  for (const name of await readdir(dir)) modes[name] = await modeOf(path.join(dir, name));
  return modes;
}

describe('DATA_DIR files are private (issue 9, finding 18)', () => {
  let root: string;
  let previousUmask: number;
  const apps: TestApp[] = [];
  beforeEach(async () => {
    // The usual umask: without chmod, SQLite and writeFile would leave 0644 files.
    previousUmask = process.umask(0o022);
    root = await mkdtemp(path.join(os.tmpdir(), 'data-modes-'));
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    process.umask(previousUmask);
    await rm(root, { recursive: true, force: true });
  });

  it('an existing, world-readable DATA_DIR with a 0644 events.sqlite and key file ends up with only 0600 files', async () => {
    const dataDir = path.join(root, 'existing');
    const first = await startTestApp('embedded', { env: { DATA_DIR: dataDir } });
    apps.push(first);
    await register(first);
    await first.stop();
    // As an operator's copy or an older version would leave them.
    await chmod(dataDir, 0o755);
    for (const name of await readdir(dataDir)) await chmod(path.join(dataDir, name), 0o644);

    const second = await startTestApp('embedded', { env: { DATA_DIR: dataDir } });
    apps.push(second);
    await register(second);
    const modes = await modesIn(dataDir);
    expect(Object.keys(modes)).toEqual(
      expect.arrayContaining(['events.sqlite', 'events.sqlite-wal', 'signing-keys.json']),
    );
    expect(Object.entries(modes).filter(([, mode]) => mode !== '600')).toEqual([]);
  });

  it('a DATA_DIR the service creates is 0700 and its files 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'nested');
    const app = await startTestApp('embedded', { env: { DATA_DIR: dataDir } });
    apps.push(app);
    await register(app);
    expect(await modeOf(dataDir)).toBe('700');
    const modes = await modesIn(dataDir);
    expect(modes['events.sqlite']).toBe('600');
    expect(Object.entries(modes).filter(([, mode]) => mode !== '600')).toEqual([]);
  });

  it('a pre-made empty events.sqlite with mode 0666 is tightened before SQLite writes to it', async () => {
    const dataDir = path.join(root, 'premade');
    const preexisting = await startTestApp('embedded', { env: { DATA_DIR: dataDir } });
    await preexisting.stop();
    await rm(path.join(dataDir, 'events.sqlite-wal'), { force: true });
    await rm(path.join(dataDir, 'events.sqlite-shm'), { force: true });
    await rm(path.join(dataDir, 'events.sqlite'));
    await writeFile(path.join(dataDir, 'events.sqlite'), '', { mode: 0o666 });
    await chmod(path.join(dataDir, 'events.sqlite'), 0o666);
    const app = await startTestApp('embedded', { env: { DATA_DIR: dataDir } });
    apps.push(app);
    await register(app);
    expect(Object.entries(await modesIn(dataDir)).filter(([, mode]) => mode !== '600')).toEqual([]);
  });
});
