import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { ProjectionStore } from '../../src/application/ports/projection-store.port.js';
import type { Projection } from '../../src/application/projections/projection.js';
import { connectMongo } from '../../src/infrastructure/mongo/mongo-connection.js';
import { allEvents } from './events.js';
import { rebuild } from './fault-harness.js';
import type { TestApp } from './test-app.js';

/**
 * Every byte the store holds: the SQLite files of DATA_DIR (the app stopped first, so the WAL is
 * checkpointed into them), or every document of every collection of the MongoDB database.
 */
export async function rawDump(app: TestApp): Promise<string> {
  if (app.storage.dataDir !== undefined) {
    const dir = app.storage.dataDir;
    const names = (await readdir(dir)).filter((name) => name.includes('.sqlite'));
    const files = await Promise.all(names.map((name) => readFile(path.join(dir, name))));
    return files.map((file) => file.toString('latin1')).join('\n');
  }
  const { client, db } = await connectMongo(app.storage.mongoUri ?? '', { appName: 'privacy-dump' });
  try {
    const parts: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      parts.push(JSON.stringify(await db.collection(name).find({}).toArray()));
    }
    return parts.join('\n');
  } finally {
    await client.close();
  }
}

/** The read model holds exactly what folding the whole log gives (documents and positions). */
export async function expectEqualsRebuild<Doc extends object>(
  app: TestApp,
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
): Promise<void> {
  const expected = rebuild(projection, await allEvents(app));
  const stored = await store.load(expected.map(({ id }) => id));
  const actual = expected.map(({ id }) => {
    const found = stored.get(id);
    return { id, position: found?.position, doc: found?.doc };
  });
  expect(actual, `${projection.name} differs from a rebuild`).toEqual(expected);
}
