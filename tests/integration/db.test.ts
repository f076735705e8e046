import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError, openDatabase, type Migration } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('SQLite connection', () => {
  it('opens a real file with WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase(join(dir(), 'a.db'), appMigrations);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('runs numbered migrations once, in order, and records them', () => {
    const path = join(dir(), 'm.db');
    const ran: number[] = [];
    const migrations: Migration[] = [
      { version: 2, name: 'two', up: (db) => (ran.push(2), db.exec('ALTER TABLE t ADD COLUMN b TEXT')) },
      { version: 1, name: 'one', up: (db) => (ran.push(1), db.exec('CREATE TABLE t (a TEXT)')) },
    ];
    openDatabase(path, migrations).close();
    const db = openDatabase(path, migrations);
    expect(ran).toEqual([1, 2]);
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'one' },
      { version: 2, name: 'two' },
    ]);
    db.close();
  });

  it('rolls back a migration that fails, leaving nothing half done', () => {
    const path = join(dir(), 'f.db');
    const bad: Migration[] = [{ version: 1, name: 'bad', up: (db) => (db.exec('CREATE TABLE x (a TEXT)'), db.exec('THIS IS NOT SQL')) }];
    expect(() => openDatabase(path, bad)).toThrow();
    const db = openDatabase(path, []);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeUndefined();
    db.close();
  });

  it('refuses two migrations with the same version', () => {
    const dup = [
      { version: 2, name: 'x', up: () => {} },
      { version: 2, name: 'y', up: () => {} },
    ];
    expect(() => openDatabase(join(dir(), 'g.db'), dup)).toThrow(/share version 2/);
  });

  it('keeps a copy of a corrupt file, leaves the original untouched, and says where the copy is', () => {
    const path = join(dir(), 'corrupt.db');
    const garbage = Buffer.from('this is not a sqlite database, just some bytes '.repeat(200));
    writeFileSync(path, garbage);
    let error: unknown;
    try {
      openDatabase(path, appMigrations);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseOpenError);
    const e = error as DatabaseOpenError;
    expect(e.backupPath).toBeTruthy();
    expect(e.message).toContain(e.backupPath!);
    expect(existsSync(e.backupPath!)).toBe(true);
    expect(readFileSync(e.backupPath!)).toEqual(garbage);
    expect(readFileSync(path)).toEqual(garbage);
  });

  it('detects a truncated database file', () => {
    const path = join(dir(), 'trunc.db');
    const db = openDatabase(path, appMigrations);
    const insert = db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, 0)');
    for (let i = 0; i < 2000; i++) insert.run(`k${i}`, 'x'.repeat(200));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => openDatabase(path, appMigrations)).toThrow(DatabaseOpenError);
  });
});
