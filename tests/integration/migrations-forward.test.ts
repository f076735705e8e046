import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { tempDir } from '../helpers/temp-dir';

// Every earlier schema is a prefix of the migrations in version order (a shipped migration is never edited or renumbered).
const sorted = [...appMigrations].sort((a, b) => a.version - b.version);
const t = tempDir('kiosk-migrations-');
afterAll(() => t.cleanup());

function schemaOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], { type: string; name: string; sql: string | null }>(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
      )
      .all()
      .map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ').trim()}`);
  } finally {
    db.close();
  }
}

describe('migrations run forward from every earlier schema', () => {
  const freshPath = join(t.dir, 'fresh.db');
  openDatabase(freshPath, sorted).close();
  const fresh = schemaOf(freshPath);

  it('has migrations to test, with unique ascending versions', () => {
    expect(sorted.length).toBeGreaterThan(3);
    expect(new Set(sorted.map((m) => m.version)).size).toBe(sorted.length);
  });

  it.each(sorted.map((m, i) => [i, m.version, m.name] as const))(
    'a database at the schema before migration #%i (version %i, %s) upgrades to exactly the current schema',
    (i) => {
      const path = join(t.dir, `prefix-${i}.db`);
      openDatabase(path, sorted.slice(0, i)).close();
      const upgraded = openDatabase(path, sorted);
      try {
        const versions = upgraded
          .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
          .all()
          .map((r) => r.version);
        expect(versions).toEqual(sorted.map((m) => m.version));
      } finally {
        upgraded.close();
      }
      expect(schemaOf(path)).toEqual(fresh);
      // Opening again changes nothing (each migration runs once).
      openDatabase(path, sorted).close();
      expect(schemaOf(path)).toEqual(fresh);
    },
  );
});
