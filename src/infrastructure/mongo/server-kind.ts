import type { Db } from 'mongodb';

/**
 * Which server answers the MongoDB protocol, where the difference matters to us. FerretDB 1.x
 * (verified on 1.24.2) pushes only a filter that is exactly `{_id: value}` down to its SQL backend:
 * every other query, even one an index would serve on mongod, is a full scan and an in-memory sort.
 * The adapters keep their hot lookups `_id`-only there.
 */
export type ServerKind = 'mongodb' | 'ferretdb';

export async function detectServerKind(db: Db): Promise<ServerKind> {
  const build = await db.command({ buildInfo: 1 });
  return 'ferretdbVersion' in build ? 'ferretdb' : 'mongodb';
}
