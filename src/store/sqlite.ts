import Database from 'better-sqlite3';
import { KanaryError } from '../common/index.js';
import { BackedStore, type StoreOptions, type SyncBackend } from './backed-store.js';
import type { WatchEventType } from './types.js';
import type { StoredChange } from './watch-hub.js';

export interface SqliteStoreOptions extends StoreOptions {
  /** The database file; created with its tables when missing. */
  path: string;
  /**
   * How many of the newest changes the change log keeps for watch resumption; older ones are compacted away and
   * resuming from them fails with GONE. Default 10000.
   */
  historyLimit?: number;
  /**
   * `FULL` (default): every acknowledged write is on disk before the call returns (the WAL is fsynced at each
   * commit), so it survives a process kill and a power loss or OS crash. `NORMAL` survives a process kill but may
   * lose the last commits on power loss, for a few times more write throughput. Kanary writes a few times per
   * second per rollout, so FULL's fsync costs nothing users notice, and a restarted server must resume exactly
   * where it acknowledged.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * Only for a store that shares its file with another writing process: poll the change log this often and
   * deliver the other process's writes to this store's watchers. Off by default: in local mode the server is the
   * only writer and its own writes reach its watchers immediately.
   */
  pollIntervalMs?: number;
}

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run. Append only: a released
 * migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE objects (
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     resource_version INTEGER NOT NULL,
     json TEXT NOT NULL,
     PRIMARY KEY (kind, namespace, name)
   ) WITHOUT ROWID;
   CREATE TABLE changes (
     resource_version INTEGER PRIMARY KEY,
     type TEXT NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     json TEXT NOT NULL
   );
   CREATE TABLE store_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     current_version INTEGER NOT NULL,
     compacted_through INTEGER NOT NULL
   );
   INSERT INTO store_state (id, current_version, compacted_through) VALUES (1, 0, 0);`,
];

/**
 * The ResourceStore of local mode: one SQLite file in WAL mode. Writes are serialised by SQLite's write lock
 * (BEGIN IMMEDIATE), so versions stay consecutive even if several processes write. Watch is in-process: this
 * store's own writes reach its watchers at once. Another process that opens the same file reads every committed
 * write; it sees the first process's writes through watch only with `pollIntervalMs`, which re-reads the change
 * log. better-sqlite3 is synchronous: each method does its work at once and returns a settled promise.
 */
export class SqliteStore extends BackedStore {
  readonly #poller: NodeJS.Timeout | undefined;

  constructor(options: SqliteStoreOptions) {
    super(new SqliteBackend(options), options);
    if (options.pollIntervalMs !== undefined) {
      this.#poller = setInterval(() => this.pollChanges(), options.pollIntervalMs);
      this.#poller.unref();
    }
  }

  override close(): Promise<void> {
    clearInterval(this.#poller);
    return super.close();
  }
}

interface ChangeRow {
  resource_version: number;
  type: WatchEventType;
  kind: string;
  namespace: string;
  name: string;
  json: string;
}

class SqliteBackend implements SyncBackend {
  readonly #db: Database.Database;
  readonly #historyLimit: number;
  readonly #tx: Database.Transaction<(fn: () => unknown) => unknown>;
  readonly #stmt: ReturnType<typeof prepareStatements>;

  constructor(options: SqliteStoreOptions) {
    this.#historyLimit = Math.max(1, Math.floor(options.historyLimit ?? 10_000));
    this.#db = openDatabase(options.path);
    try {
      this.#db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      this.#db.pragma('foreign_keys = ON');
      migrate(this.#db, options.path);
      this.#stmt = prepareStatements(this.#db);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    this.#tx = this.#db.transaction((fn: () => unknown) => fn());
  }

  read<R>(fn: () => R): R {
    return this.#tx.deferred(fn) as R;
  }

  write<R>(fn: () => R): R {
    return this.#tx.immediate(fn) as R;
  }

  getObject(kind: string, namespace: string, name: string): string | undefined {
    return this.#stmt.getObject.get(kind, namespace, name);
  }

  listObjects(kind: string, namespace: string | undefined): string[] {
    return namespace === undefined ? this.#stmt.listAll.all(kind) : this.#stmt.listIn.all(kind, namespace);
  }

  commit(change: StoredChange): void {
    const { resourceVersion: rv, type, kind, namespace, name, json } = change;
    if (type === 'DELETED') this.#stmt.deleteObject.run(kind, namespace, name);
    else this.#stmt.putObject.run(kind, namespace, name, rv, json);
    this.#stmt.appendChange.run(rv, type, kind, namespace, name, json);
    // Compact in batches: one DELETE per quarter of the history, not one per write.
    const compacted = this.#stmt.compactedThrough.get() ?? 0;
    const keepFrom = rv - this.#historyLimit;
    if (keepFrom - compacted >= Math.ceil(this.#historyLimit / 4)) {
      this.#stmt.compact.run(keepFrom);
      this.#stmt.setState.run(rv, keepFrom);
    } else {
      this.#stmt.setState.run(rv, compacted);
    }
  }

  currentVersion(): number {
    return this.#stmt.currentVersion.get() ?? 0;
  }

  changesAfter(after: number): StoredChange[] | 'gone' {
    return this.read(() => {
      if (after < (this.#stmt.compactedThrough.get() ?? 0)) return 'gone';
      return this.#stmt.changesAfter.all(after).map((r) => ({
        resourceVersion: r.resource_version,
        type: r.type,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        json: r.json,
      }));
    });
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function prepareStatements(db: Database.Database) {
  return {
    getObject: db
      .prepare<[string, string, string], string>(
        'SELECT json FROM objects WHERE kind = ? AND namespace = ? AND name = ?',
      )
      .pluck(),
    listAll: db.prepare<[string], string>('SELECT json FROM objects WHERE kind = ? ORDER BY namespace, name').pluck(),
    listIn: db
      .prepare<[string, string], string>('SELECT json FROM objects WHERE kind = ? AND namespace = ? ORDER BY name')
      .pluck(),
    putObject: db.prepare<[string, string, string, number, string]>(
      `INSERT INTO objects (kind, namespace, name, resource_version, json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, namespace, name) DO UPDATE SET resource_version = excluded.resource_version,
       json = excluded.json`,
    ),
    deleteObject: db.prepare<[string, string, string]>(
      'DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?',
    ),
    appendChange: db.prepare<[number, string, string, string, string, string]>(
      'INSERT INTO changes (resource_version, type, kind, namespace, name, json) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    compact: db.prepare<[number]>('DELETE FROM changes WHERE resource_version <= ?'),
    setState: db.prepare<[number, number]>(
      'UPDATE store_state SET current_version = ?, compacted_through = ? WHERE id = 1',
    ),
    currentVersion: db.prepare<[], number>('SELECT current_version FROM store_state WHERE id = 1').pluck(),
    compactedThrough: db.prepare<[], number>('SELECT compacted_through FROM store_state WHERE id = 1').pluck(),
    changesAfter: db.prepare<[number], ChangeRow>(
      'SELECT resource_version, type, kind, namespace, name, json FROM changes WHERE resource_version > ? ' +
        'ORDER BY resource_version',
    ),
  };
}

function openDatabase(path: string): Database.Database {
  try {
    return new Database(path);
  } catch (err) {
    throw new KanaryError(
      'INTERNAL',
      `cannot open the state database ${path} (${err instanceof Error ? err.message : String(err)}); ` +
        `check that its directory exists and is writable`,
      { cause: err },
    );
  }
}

/** Brings the schema to the newest version; refuses a file written by a newer Kanary. */
function migrate(db: Database.Database, path: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new KanaryError(
        'INTERNAL',
        `the state file ${path} has schema version ${version}, newer than this Kanary knows ` +
          `(${MIGRATIONS.length}); upgrade Kanary or use another state directory`,
      );
    }
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
