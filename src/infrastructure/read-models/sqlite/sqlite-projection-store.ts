import { LRUCache } from 'lru-cache';
import type { Page, PageRequest } from '../../../application/pagination.js';
import {
  matchedField,
  type DocChange,
  type DocMatch,
  type PositionedDoc,
  type ProjectionStore,
} from '../../../application/ports/projection-store.port.js';
import type { Param, Row, SqliteReadModelDatabase } from './sqlite-read-model-database.js';
import { integerColumn, textColumn } from './sqlite-read-model-database.js';

/** A column the queries filter or sort on, copied out of the document at every save. */
export interface IndexedColumn<Doc> {
  readonly name: string;
  readonly type: 'TEXT' | 'INTEGER';
  readonly value: (doc: Doc) => string | number | null;
}

/** A field's column type, from what the field holds: a field of any other kind is no column. */
type ColumnType<V> = [NonNullable<V>] extends [number]
  ? 'INTEGER'
  : [NonNullable<V>] extends [string]
    ? 'TEXT'
    : never;

/** Document fields copied as they are into a column of their snake_case name (`userId` → `user_id`). */
export type CopiedFields<Doc> = { readonly [K in keyof Doc & string]?: ColumnType<Doc[K]> };

export interface SqliteProjectionStoreOptions<Doc> {
  /** Table of the documents, e.g. `rm_users`. */
  readonly table: string;
  /** Key of the checkpoint: the read model's name. */
  readonly name: string;
  /** Besides `seq`, the order of every list, which every table has. */
  readonly copied?: CopiedFields<Doc>;
  /** Columns computed from the document, e.g. a lowercased copy to search in. */
  readonly computed?: readonly IndexedColumn<Doc>[];
  /** Column lists of the secondary indexes, e.g. `user_id, seq`. */
  readonly indexes: readonly string[];
  /**
   * Documents read by id kept in memory, at most this many (default 0: none). Worth it where one
   * document is read on every request (`/users/me`: the lookup was a tenth of its CPU).
   */
  readonly rememberedById?: number;
}

/** Every list is in `seq` order (the position of the event that created the document). */
type Paged = { readonly seq: number };

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function columnsOf<Doc extends Paged>(options: SqliteProjectionStoreOptions<Doc>): IndexedColumn<Doc>[] {
  const copied = Object.entries(options.copied ?? {}).map(([field, type]): IndexedColumn<Doc> => ({
    name: snakeCase(field),
    type: type as IndexedColumn<Doc>['type'],
    value: (doc) => {
      const value: unknown = doc[field as keyof Doc];
      return typeof value === 'string' || typeof value === 'number' ? value : null;
    },
  }));
  return [{ name: 'seq', type: 'INTEGER', value: (doc) => doc.seq }, ...copied, ...(options.computed ?? [])];
}

/** A WHERE clause in parts: conditions joined by AND and their parameters, in order. */
export interface Where {
  readonly conditions: readonly string[];
  readonly params: readonly Param[];
}

/**
 * The write side every SQLite read model shares. A document is stored as its JSON (`doc`) with
 * the position of the last event applied (`pos`) and copies of the fields its queries use, so
 * memory stays that of SQLite's page cache however many documents there are, and a start resumes
 * from the saved checkpoint instead of replaying the log.
 */
export class SqliteProjectionStore<Doc extends Paged> implements ProjectionStore<Doc> {
  protected readonly table: string;
  private readonly name: string;
  private readonly columns: readonly IndexedColumn<Doc>[];
  private readonly upsertSql: string;
  /**
   * Every change of this process goes through `save`, `reset` or `scrub`, which forget what they
   * touch, so a remembered document is the row. Another process writing the file (the operator
   * CLI's rebuild, or a CLI command that projects its own events) writes documents of events
   * this process's runner reads too; the runner `load`s every document an event touches before
   * deciding whether to save it (it may not: the row may already be past the event), and `load`
   * forgets them, so what another process wrote is seen here within the runner's usual bound.
   */
  private readonly remembered: LRUCache<string, Doc> | null;

  constructor(
    protected readonly db: SqliteReadModelDatabase,
    options: SqliteProjectionStoreOptions<Doc>,
  ) {
    this.table = options.table;
    this.name = options.name;
    this.columns = columnsOf(options);
    const remember = options.rememberedById ?? 0;
    this.remembered = remember > 0 ? new LRUCache<string, Doc>({ max: remember }) : null;
    const definitions = [
      'id TEXT PRIMARY KEY',
      'pos INTEGER NOT NULL',
      'doc TEXT NOT NULL',
      ...this.columns.map((column) => `${column.name} ${column.type}`),
    ];
    const indexes = options.indexes
      .map(
        (columns) =>
          `CREATE INDEX IF NOT EXISTS ${this.table}_${columns.replace(/\W+/g, '_')} ON ${this.table} (${columns});`,
      )
      .join('\n');
    db.migrate(
      `CREATE TABLE IF NOT EXISTS ${this.table} (${definitions.join(', ')}) STRICT;
       ${indexes}`,
    );
    const names = ['id', 'pos', 'doc', ...this.columns.map((column) => column.name)];
    const updates = names
      .slice(1)
      .map((column) => `${column} = excluded.${column}`)
      .join(', ');
    // The position guard is in the statement: a replayed or older change updates nothing.
    this.upsertSql = `INSERT INTO ${this.table} (${names.join(', ')})
      VALUES (${names.map(() => '?').join(', ')})
      ON CONFLICT (id) DO UPDATE SET ${updates} WHERE excluded.pos > ${this.table}.pos`;
  }

  load(ids: readonly string[]): Promise<Map<string, PositionedDoc<Doc>>> {
    return this.db.async(() => {
      const found = new Map<string, PositionedDoc<Doc>>();
      const sql = `SELECT pos, doc FROM ${this.table} WHERE id = ?`;
      for (const id of new Set(ids)) {
        this.remembered?.delete(id);
        const row = this.db.get(sql, id);
        if (row !== undefined) found.set(id, { doc: this.parse(row), position: integerColumn(row, 'pos') });
      }
      return found;
    });
  }

  save(changes: readonly DocChange<Doc>[]): Promise<void> {
    return this.db.async(() => {
      if (changes.length === 0) return;
      for (const { id } of changes) this.remembered?.delete(id);
      this.db.transaction(() => {
        for (const { id, doc, position } of changes) {
          const values = this.columns.map((column) => column.value(doc));
          this.db.run(this.upsertSql, id, position, JSON.stringify(doc), ...values);
        }
      });
    });
  }

  checkpoint(): Promise<number> {
    return this.db.async(() => {
      const row = this.db.get('SELECT position FROM checkpoints WHERE name = ?', this.name);
      return row === undefined ? 0 : integerColumn(row, 'position');
    });
  }

  saveCheckpoint(position: number): Promise<void> {
    return this.db.async(() =>
      this.db.run(
        `INSERT INTO checkpoints (name, position) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
        this.name,
        position,
      ),
    );
  }

  /** Documents and checkpoint in one transaction: never an empty table that claims to be current. */
  reset(): Promise<void> {
    this.remembered?.clear();
    return this.db.async(() =>
      this.db.transaction(() => {
        this.db.run('DELETE FROM checkpoints WHERE name = ?', this.name);
        this.db.run(`DELETE FROM ${this.table}`);
      }),
    );
  }

  /** A scan (erasures and expiries are rare): the field is in the document, not in every table's columns. */
  async scrub(match: DocMatch, scrub: (doc: Doc) => Doc): Promise<void> {
    const value = `json_extract(doc, '$.${matchedField(match)}')`;
    const [where, params] =
      'equals' in match
        ? [`${value} = ?`, [match.equals]]
        : [`${value} >= ? AND ${value} < ?`, [match.from, match.before]];
    this.remembered?.clear();
    await this.db.async(() =>
      this.db.transaction(() => {
        const rows = this.db.all(`SELECT id, doc FROM ${this.table} WHERE ${where}`, ...params);
        const sets = ['doc = ?', ...this.columns.map((column) => `${column.name} = ?`)].join(', ');
        for (const row of rows) {
          const doc = scrub(this.parse(row));
          const values = this.columns.map((column) => column.value(doc));
          this.db.run(
            `UPDATE ${this.table} SET ${sets} WHERE id = ?`,
            JSON.stringify(doc),
            ...values,
            textColumn(row, 'id'),
          );
        }
      }),
    );
  }

  /** The document by id, or null. A remembered one is shared: callers only read it. */
  protected byKey(id: string): Promise<Doc | null> {
    const known = this.remembered?.get(id);
    if (known !== undefined) return Promise.resolve(known);
    return this.db.async(() => {
      const row = this.db.get(`SELECT doc FROM ${this.table} WHERE id = ?`, id);
      if (row === undefined) return null;
      // Frozen: it is shared by every later read until forgotten.
      const doc = Object.freeze(this.parse(row));
      this.remembered?.set(id, doc);
      return doc;
    });
  }

  /**
   * One page in `seq` order after the cursor (newest first with `direction` -1): fetches
   * `limit + 1` rows, the extra one only saying that there is more.
   */
  protected page(where: Where, request: PageRequest, direction: 1 | -1): Page<Doc> {
    if (request.limit < 1) return { items: [], nextAfter: null };
    const conditions = [...where.conditions];
    const params = [...where.params];
    if (request.after !== undefined) {
      conditions.push(direction === 1 ? 'seq > ?' : 'seq < ?');
      params.push(request.after);
    }
    const order = direction === 1 ? 'ASC' : 'DESC';
    const clause = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = this.db.all(
      `SELECT doc, seq FROM ${this.table} ${clause} ORDER BY seq ${order}, id ${order} LIMIT ?`,
      ...params,
      request.limit + 1,
    );
    const shown = rows.slice(0, request.limit);
    const last = shown.at(-1);
    const more = rows.length > request.limit && last !== undefined;
    return {
      items: shown.map((row) => this.parse(row)),
      nextAfter: more ? integerColumn(last, 'seq') : null,
    };
  }

  /** The table holds only what `save` wrote, which was a Doc. */
  protected parse(row: Row): Doc {
    return JSON.parse(textColumn(row, 'doc')) as Doc;
  }
}
