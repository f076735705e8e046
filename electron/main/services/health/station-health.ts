/**
 * Health you can see from the office. Each station writes its status to `<dir>/<stationId>.json`
 * on an interval (the heartbeat); point every station's `healthDir` at one shared folder and any
 * desk lists them all (`readFleet`), with a warning for a station that went quiet, whose queue
 * grew old, whose disk is nearly full or whose backups fail. No server of ours in between.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface StationStatus {
  stationId: string;
  version: string;
  /** When this status was written (ms since the epoch). */
  at: number;
  startedAt: number;
  uptimeSeconds: number;
  online: boolean;
  /** Seconds since the last completed sync with Stripe; null: never. */
  lastSyncAgeSeconds: number | null;
  outbox: { depth: number; oldestAgeSeconds: number | null; needsReview: number };
  diskFreeBytes: number | null;
  backup: { lastAt: number | null; lastError: string | null };
  /** Device states as the station knows them ('unknown' where it has no way to tell). */
  printer: string;
  reader: string;
  window: string;
}

export interface HealthSources {
  db: Db;
  stationId: () => string;
  version: string;
  online: () => boolean;
  lastSyncAt: () => number | null;
  backup?: () => { lastAt: number | null; lastError: string | null };
  printer?: () => string;
  reader?: () => string;
  window?: () => string;
  /** The folder whose disk is reported (the data folder). */
  dataDir: string;
}

export function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export class StationHealth {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;

  constructor(
    private readonly src: HealthSources,
    private readonly deps: { clock: Clock; log: Logger; dir: string; intervalMs: number },
  ) {
    this.startedAt = deps.clock.now();
  }

  status(): StationStatus {
    const now = this.deps.clock.now();
    const q = this.src.db
      .prepare<[], { depth: number; oldest: number | null; review: number }>(
        `SELECT COUNT(*) FILTER (WHERE state IN ('queued', 'sending', 'failed')) AS depth,
                MIN(created_at) FILTER (WHERE state IN ('queued', 'sending', 'failed')) AS oldest,
                COUNT(*) FILTER (WHERE state = 'needs_review') AS review
           FROM outbox`,
      )
      .get() ?? { depth: 0, oldest: null, review: 0 };
    const lastSync = this.src.lastSyncAt();
    return {
      stationId: this.src.stationId(),
      version: this.src.version,
      at: now,
      startedAt: this.startedAt,
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      online: this.src.online(),
      lastSyncAgeSeconds: lastSync === null ? null : Math.max(0, Math.round((now - lastSync) / 1000)),
      outbox: { depth: q.depth, oldestAgeSeconds: q.oldest === null ? null : Math.round((now - q.oldest) / 1000), needsReview: q.review },
      diskFreeBytes: freeBytes(this.src.dataDir),
      backup: this.src.backup?.() ?? { lastAt: null, lastError: null },
      printer: this.src.printer?.() ?? 'unknown',
      reader: this.src.reader?.() ?? 'unknown',
      window: this.src.window?.() ?? 'unknown',
    };
  }

  /** Writes the status file atomically (a reader never sees half a file). */
  write(): StationStatus {
    const s = this.status();
    mkdirSync(this.deps.dir, { recursive: true });
    const path = join(this.deps.dir, `${s.stationId}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2));
    renameSync(`${path}.tmp`, path);
    return s;
  }

  start(): void {
    if (this.timer) return;
    const beat = () => {
      try {
        this.write();
      } catch (err) {
        this.deps.log.warn('could not write the health file', { error: err instanceof Error ? err.message : String(err) });
      }
    };
    beat();
    this.timer = setInterval(beat, this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export type FleetWarning =
  'quiet' | 'offline' | 'queue_old' | 'needs_review' | 'sync_old' | 'disk_low' | 'backup_failing' | 'backup_old' | 'unreadable';

export interface FleetThresholds {
  /** A heartbeat older than this means the station went quiet. */
  quietMs: number;
  queueOldSeconds: number;
  syncOldSeconds: number;
  diskLowBytes: number;
  backupOldMs: number;
}

export const DEFAULT_FLEET_THRESHOLDS: FleetThresholds = {
  quietMs: 3 * 60_000,
  queueOldSeconds: 30 * 60,
  syncOldSeconds: 30 * 60,
  diskLowBytes: 500 * 1024 * 1024,
  backupOldMs: 26 * 3_600_000,
};

export interface FleetEntry {
  stationId: string;
  status: StationStatus | null;
  warnings: FleetWarning[];
}

export function warningsFor(s: StationStatus, now: number, t: FleetThresholds): FleetWarning[] {
  const w: FleetWarning[] = [];
  if (now - s.at > t.quietMs) w.push('quiet');
  if (!s.online) w.push('offline');
  if (s.outbox.oldestAgeSeconds !== null && s.outbox.oldestAgeSeconds > t.queueOldSeconds) w.push('queue_old');
  if (s.outbox.needsReview > 0) w.push('needs_review');
  if (s.lastSyncAgeSeconds === null || s.lastSyncAgeSeconds > t.syncOldSeconds) w.push('sync_old');
  if (s.diskFreeBytes !== null && s.diskFreeBytes < t.diskLowBytes) w.push('disk_low');
  if (s.backup.lastError) w.push('backup_failing');
  else if (s.backup.lastAt === null || now - s.backup.lastAt > t.backupOldMs) w.push('backup_old');
  return w;
}

/** Every station's last heartbeat in the shared folder, with its warnings; worst first. */
export function readFleet(dir: string, now: number, t: FleetThresholds = DEFAULT_FLEET_THRESHOLDS): FleetEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: FleetEntry[] = names.map((name) => {
    const stationId = name.slice(0, -'.json'.length);
    try {
      const status = JSON.parse(readFileSync(join(dir, name), 'utf8')) as StationStatus;
      return { stationId, status, warnings: warningsFor(status, now, t) };
    } catch {
      return { stationId, status: null, warnings: ['unreadable'] };
    }
  });
  return out.sort((a, b) => b.warnings.length - a.warnings.length || a.stationId.localeCompare(b.stationId));
}
