/**
 * Backups of the station's SQLite database with SQLite's online backup API (better-sqlite3's
 * `db.backup`), never by copying the live file: the copy is a consistent snapshot that includes
 * what is still in the WAL, taken while the app keeps writing. Each copy is checked
 * (integrity_check) before it counts; the newest `keep` are kept.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sqliteBinding, type Db } from '../../db/connection';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface BackupInfo {
  path: string;
  /** When the backup was taken (ms since the epoch, from its name). */
  at: number;
  bytes: number;
}

export interface BackupOptions {
  db: Db;
  /** Folder for the copies (its own; nothing else is put there). */
  dir: string;
  keep: number;
  intervalMs: number;
  clock: Clock;
  log: Logger;
  /** The name the copies start with (default "kiosk"). */
  prefix?: string;
}

const NAME = /^(.+)-(\d{8}T\d{6}\d{3}Z)\.db$/;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

function parseStamp(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, se, ms] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), Number(ms));
}

/**
 * Turns a fresh copy into a self-contained file (rollback journal, not WAL: no -wal/-shm files
 * beside it) and checks it.
 */
function sealCopy(path: string): void {
  const db = new Database(path, { fileMustExist: true, ...(sqliteBinding() ? { nativeBinding: sqliteBinding() } : {}) });
  try {
    db.pragma('journal_mode = DELETE');
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`backup ${basename(path)} failed its integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}

/** Checks a database file without changing it (read-only, integrity_check). */
export function verifyDatabaseFile(path: string, nativeBinding = sqliteBinding()): void {
  const db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`backup ${basename(path)} failed its integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}

export class BackupService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<BackupInfo> | null = null;
  private last: BackupInfo | null = null;
  private lastError: string | null = null;
  private readonly prefix: string;

  constructor(private readonly opts: BackupOptions) {
    this.prefix = opts.prefix ?? 'kiosk';
    if (opts.keep < 1) throw new Error('keep at least one backup');
  }

  start(): void {
    if (this.timer) return;
    this.last = this.list()[0] ?? null;
    // First one soon after start if the newest is older than one interval, then on the interval.
    const due = !this.last || this.opts.clock.now() - this.last.at >= this.opts.intervalMs;
    if (due) this.runLogged();
    this.timer = setInterval(() => this.runLogged(), this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Takes a backup now (one at a time: a second call waits for the first). */
  backupNow(): Promise<BackupInfo> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The backups in the folder, newest first. */
  list(): BackupInfo[] {
    if (!existsSync(this.opts.dir)) return [];
    const out: BackupInfo[] = [];
    for (const name of readdirSync(this.opts.dir)) {
      const m = NAME.exec(name);
      if (!m || m[1] !== this.prefix) continue;
      const at = parseStamp(m[2] ?? '');
      if (Number.isNaN(at)) continue;
      const path = join(this.opts.dir, name);
      out.push({ path, at, bytes: statSync(path).size });
    }
    return out.sort((a, b) => b.at - a.at);
  }

  status(): { last: BackupInfo | null; lastError: string | null; count: number } {
    return { last: this.last, lastError: this.lastError, count: this.list().length };
  }

  private runLogged(): void {
    this.backupNow().catch(() => undefined);
  }

  private async take(): Promise<BackupInfo> {
    const at = this.opts.clock.now();
    const path = join(this.opts.dir, `${this.prefix}-${stamp(at)}.db`);
    const partial = `${path}.partial`;
    try {
      mkdirSync(this.opts.dir, { recursive: true });
      rmSync(partial, { force: true });
      await this.opts.db.backup(partial);
      sealCopy(partial);
      renameSync(partial, path);
      const info = { path, at, bytes: statSync(path).size };
      this.last = info;
      this.lastError = null;
      this.prune();
      this.opts.log.info('database backed up', { file: basename(path), bytes: info.bytes });
      return info;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      try {
        rmSync(partial, { force: true });
      } catch {
        // nothing was written
      }
      this.opts.log.error('database backup failed', { error: this.lastError });
      throw err;
    }
  }

  private prune(): void {
    for (const old of this.list().slice(this.opts.keep)) rmSync(old.path, { force: true });
  }
}

/**
 * Puts a backup back in place of the database at `dbPath`. Only while the app is stopped (nothing
 * has the file open). The backup is checked first; the database it replaces is moved aside (with
 * its WAL and shared-memory files), never deleted. Returns where the old one went.
 */
export async function restoreBackup(
  backupPath: string,
  dbPath: string,
  clock: Clock,
  nativeBinding = sqliteBinding(),
): Promise<{ previous: string | null }> {
  verifyDatabaseFile(backupPath, nativeBinding);
  // Copy through SQLite's backup API into a file beside the target, check it, then swap it in.
  const tmp = `${dbPath}.restoring`;
  rmSync(tmp, { force: true });
  const source = new Database(backupPath, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    await source.backup(tmp);
  } finally {
    source.close();
  }
  verifyDatabaseFile(tmp, nativeBinding);
  let previous: string | null = null;
  if (existsSync(dbPath)) {
    previous = `${dbPath}.before-restore-${stamp(clock.now())}`;
    renameSync(dbPath, previous);
  }
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(dbPath + suffix)) {
      if (previous) renameSync(dbPath + suffix, previous + suffix);
      else rmSync(dbPath + suffix, { force: true });
    }
  }
  renameSync(tmp, dbPath);
  return { previous };
}
