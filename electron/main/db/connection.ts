import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

let nativeBinding: string | undefined;

/**
 * better-sqlite3 13 is a Node-API addon with prebuilt binaries in its package, so the same binary
 * loads under Node (tests, preview) and inside Electron. This override names another build (for
 * example one compiled from source) when a platform has no prebuilt binary.
 */
export function useSqliteBinding(path: string | undefined): void {
  nativeBinding = path;
}

/** The binding named by useSqliteBinding (for the training stand-in, which opens its own file). */
export function sqliteBinding(): string | undefined {
  return nativeBinding;
}

export interface Migration {
  /** Unique, ascending; each domain owns a range (see db/migrations/index.ts). Never renumber or edit one that has shipped. */
  readonly version: number;
  readonly name: string;
  readonly up: (db: Db) => void;
}

export class DatabaseOpenError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly backupPath: string | null,
  ) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

/**
 * Opens (or creates) a SQLite file with the pragmas every connection in this app uses:
 * WAL, synchronous=FULL (better-sqlite3 would leave WAL at NORMAL, which can lose the last
 * commits on power loss: not acceptable for money), foreign keys, a busy timeout. Then runs
 * the numbered migrations that have not run yet, each in its own transaction.
 *
 * A file that is not a database or fails the quick integrity check is never wiped: it is copied
 * aside and a DatabaseOpenError says where the copy is.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = []): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, nativeBinding ? { nativeBinding } : {});
    db.pragma('journal_mode = WAL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
  } catch (err) {
    throw corruptError(path, err);
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  runMigrations(db, migrations);
  return db;
}

function corruptError(path: string, err: unknown): DatabaseOpenError {
  let backupPath: string | null = null;
  if (path !== ':memory:' && existsSync(path)) {
    backupPath = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(path, backupPath);
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new DatabaseOpenError(
    `The database at ${path} could not be opened (${reason}).` +
      (backupPath ? ` A copy was kept at ${backupPath}; the original was not changed.` : ''),
    path,
    backupPath,
  );
}

export function runMigrations(db: Db, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((r) => r.version),
  );
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version < 1) throw new Error(`migration version must be a positive integer (${m.name})`);
    if (i > 0 && sorted[i - 1]!.version === m.version) throw new Error(`two migrations share version ${m.version}`);
  });
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of sorted) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
}
