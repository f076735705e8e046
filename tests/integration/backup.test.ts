import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { BackupService, restoreBackup, verifyDatabaseFile } from '../../electron/main/services/backup/backup-service';
import { silentLogger } from '../../electron/main/services/logger';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/until';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function station() {
  const t = tempDir('kiosk-backup-');
  const dbPath = join(t.dir, 'kiosk.db');
  const db = openDatabase(dbPath, appMigrations);
  db.exec('CREATE TABLE IF NOT EXISTS test_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  let now = Date.UTC(2026, 11, 4, 9, 0, 0, 0);
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const backups = new BackupService({ db, dir: join(t.dir, 'backups'), keep: 3, intervalMs: 3_600_000, clock, log: silentLogger });
  cleanups.push(() => {
    if (db.open) db.close();
    t.cleanup();
  });
  const add = (n: number, from = 0) => {
    const insert = db.prepare('INSERT INTO test_notes (id, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = from; i < from + n; i++) insert.run(i, `note ${i}`);
    })();
  };
  return { dir: t.dir, dbPath, db, clock, backups, add };
}

const countIn = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM test_notes').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

const userVersion = (db: Db) => db.pragma('user_version', { simple: true });

describe('database backups (SQLite online backup API)', () => {
  it('captures commits that are still only in the WAL, which a copy of the live file would miss', async () => {
    const s = station();
    s.db.pragma('wal_autocheckpoint = 0');
    s.add(500);
    expect(statSync(`${s.dbPath}-wal`).size).toBeGreaterThan(0);
    // What copying the live file would give: the main file without the WAL's pages.
    const naive = join(s.dir, 'naive-copy.db');
    copyFileSync(s.dbPath, naive);
    const naiveCount = (() => {
      try {
        return countIn(naive);
      } catch {
        return -1; // the table itself may not be in the main file yet
      }
    })();
    expect(naiveCount).toBeLessThan(500);

    const info = await s.backups.backupNow();
    expect(countIn(info.path)).toBe(500);
    expect(() => verifyDatabaseFile(info.path)).not.toThrow();
    // A self-contained file: no -wal or -shm beside it, no partial left.
    expect(readdirSync(join(s.dir, 'backups'))).toEqual([info.path.split('/').at(-1)]);
  });

  it('keeps the newest N backups and removes older ones', async () => {
    const s = station();
    const taken: string[] = [];
    for (let i = 0; i < 5; i++) {
      s.add(1, i);
      taken.push((await s.backups.backupNow()).path);
      s.clock.advance(3_600_000);
    }
    const kept = s.backups.list();
    expect(kept.map((b) => b.path)).toEqual(taken.slice(2).reverse());
    expect(kept.map((b) => countIn(b.path))).toEqual([5, 4, 3]);
    expect(existsSync(taken[0] ?? '')).toBe(false);
    expect(s.backups.status()).toMatchObject({ count: 3, lastError: null, last: { path: taken[4] } });
  });

  it('restores a backup over a later database; the app opens it with its migrations and sees the data of the backup', async () => {
    const s = station();
    s.add(10);
    const version = userVersion(s.db);
    const backup = await s.backups.backupNow();
    s.add(90, 10);
    s.db.close();

    const { previous } = await restoreBackup(backup.path, s.dbPath, s.clock);
    const reopened = openDatabase(s.dbPath, appMigrations);
    try {
      expect((reopened.prepare('SELECT count(*) AS n FROM test_notes').get() as { n: number }).n).toBe(10);
      expect(userVersion(reopened)).toBe(version);
      expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      reopened.close();
    }
    // The database it replaced is kept aside, whole (with its WAL), not deleted.
    expect(previous).not.toBeNull();
    expect(countIn(previous ?? '')).toBe(100);
  });

  it('refuses to restore a file that is not a sound database and leaves the current one alone', async () => {
    const s = station();
    s.add(7);
    s.db.close();
    const bad = join(s.dir, 'bad.db');
    writeFileSync(bad, 'SQLite format 3\0 but then nothing useful at all'.repeat(200));
    await expect(restoreBackup(bad, s.dbPath, s.clock)).rejects.toThrow();
    expect(countIn(s.dbPath)).toBe(7);
    expect(readdirSync(s.dir).filter((f) => f.includes('before-restore') || f.includes('restoring'))).toEqual([]);
  });

  it('on start takes a first backup when none is recent, and records a failure without throwing', async () => {
    const s = station();
    s.add(3);
    s.backups.start();
    await until(async () => s.backups.status().last);
    expect(countIn(s.backups.status().last?.path ?? '')).toBe(3);
    await s.backups.stop();

    // A backup folder that cannot be written: the failure is recorded for health, the app goes on.
    writeFileSync(join(s.dir, 'not-a-folder'), 'x');
    const broken = new BackupService({
      db: s.db,
      dir: join(s.dir, 'not-a-folder', 'backups'),
      keep: 2,
      intervalMs: 3_600_000,
      clock: s.clock,
      log: silentLogger,
    });
    await expect(broken.backupNow()).rejects.toThrow();
    expect(broken.status().lastError).toMatch(/ENOTDIR|not a directory/i);
  });
});
