import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { DEFAULT_FLEET_THRESHOLDS, readFleet, StationHealth } from '../../electron/main/services/health/station-health';
import { silentLogger } from '../../electron/main/services/logger';
import { tempDir } from '../helpers/temp-dir';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function station(id: string, shared: string, now: { t: number }) {
  const t = tempDir('kiosk-health-');
  const db = openDatabase(join(t.dir, 'kiosk.db'), appMigrations);
  cleanups.push(() => {
    db.close();
    t.cleanup();
  });
  let seq = 0;
  const queue = (state: string, createdAt: number) => {
    seq++;
    db.prepare(
      `INSERT INTO outbox (id, seq, kind, payload, idempotency_key, state, next_attempt_at, created_by, station_id, created_at, updated_at)
       VALUES (?, ?, 'cash_record', '{}', ?, ?, 0, 'staff-1', ?, ?, ?)`,
    ).run(`item-${seq}`, seq, `key-${seq}`, state, id, createdAt, createdAt);
  };
  const state = { online: true, lastSync: now.t as number | null, backupAt: now.t as number | null, backupError: null as string | null };
  const health = new StationHealth(
    {
      db,
      stationId: () => id,
      version: '1.2.3',
      online: () => state.online,
      lastSyncAt: () => state.lastSync,
      backup: () => ({ lastAt: state.backupAt, lastError: state.backupError }),
      window: () => 'running',
      dataDir: t.dir,
    },
    { clock: { now: () => now.t }, log: silentLogger, dir: shared, intervalMs: 60_000 },
  );
  return { health, queue, state };
}

describe('station health and the desk’s fleet list', () => {
  it('writes version, uptime, online state, sync age, queue depth and oldest age, disk free and backup state', () => {
    const shared = tempDir('kiosk-fleet-');
    cleanups.push(shared.cleanup);
    const now = { t: Date.UTC(2026, 11, 4, 12, 0, 0) };
    const s = station('lobby-1', shared.dir, now);
    s.queue('succeeded', now.t - 3_600_000);
    s.queue('queued', now.t - 120_000);
    s.queue('sending', now.t - 60_000);
    s.queue('needs_review', now.t - 999_000);
    now.t += 90_000;
    s.state.online = false;
    const written = s.health.write();
    const onDisk = JSON.parse(readFileSync(join(shared.dir, 'lobby-1.json'), 'utf8')) as unknown;
    expect(onDisk).toStrictEqual(written);
    expect(written).toMatchObject({
      stationId: 'lobby-1',
      version: '1.2.3',
      uptimeSeconds: 90,
      online: false,
      lastSyncAgeSeconds: 90,
      outbox: { depth: 2, oldestAgeSeconds: 210, needsReview: 1 },
      printer: 'unknown',
      window: 'running',
    });
    expect(written.diskFreeBytes).toBeGreaterThan(0);
  });

  it('lists every station in the shared folder with a warning for one that went quiet or whose queue grew old', () => {
    const shared = tempDir('kiosk-fleet-');
    cleanups.push(shared.cleanup);
    const now = { t: Date.UTC(2026, 11, 4, 12, 0, 0) };
    const healthy = station('desk-1', shared.dir, now);
    const quiet = station('lobby-1', shared.dir, now);
    const stuck = station('lobby-2', shared.dir, now);
    quiet.health.write();
    now.t += 10 * 60_000;
    healthy.state.lastSync = now.t;
    healthy.state.backupAt = now.t;
    healthy.health.write();
    stuck.state.lastSync = now.t;
    stuck.state.backupAt = now.t;
    stuck.queue('queued', now.t - 45 * 60_000);
    stuck.health.write();
    writeFileSync(join(shared.dir, 'broken.json'), '{half a fi');

    const fleet = readFleet(shared.dir, now.t + 1_000, DEFAULT_FLEET_THRESHOLDS);
    const byId = Object.fromEntries(fleet.map((e) => [e.stationId, e.warnings]));
    expect(byId).toStrictEqual({ 'desk-1': [], 'lobby-1': ['quiet'], 'lobby-2': ['queue_old'], broken: ['unreadable'] });
    expect(fleet.at(-1)?.stationId).toBe('desk-1');
  });

  it('warns about failing or old backups, a stale sync and a nearly full disk', () => {
    const shared = tempDir('kiosk-fleet-');
    cleanups.push(shared.cleanup);
    const now = { t: Date.UTC(2026, 11, 4, 12, 0, 0) };
    const s = station('lobby-3', shared.dir, now);
    s.state.backupError = 'ENOSPC: no space left on device';
    s.state.lastSync = now.t - 2 * 3_600_000;
    s.health.write();
    const [entry] = readFleet(shared.dir, now.t, { ...DEFAULT_FLEET_THRESHOLDS, diskLowBytes: Number.MAX_SAFE_INTEGER });
    expect(entry?.warnings).toStrictEqual(['sync_old', 'disk_low', 'backup_failing']);
  });
});
