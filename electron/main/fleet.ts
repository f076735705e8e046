/**
 * The operating side of a station, beside the kiosk's own services: scheduled backups and the
 * health heartbeat. Plain Node, like the composition root; the Electron entry starts and stops it.
 */
import { join } from 'node:path';
import type { Kiosk } from './composition';
import { BackupService } from './services/backup/backup-service';
import type { Clock } from './services/clock';
import { LocalStore } from './services/local-store/local-store';
import { StationHealth } from './services/health/station-health';
import type { Logger } from './services/logger';
import type { SettingsService } from './services/settings/settings-service';

export interface FleetServices {
  readonly backups: BackupService;
  readonly health: StationHealth;
  stop(): Promise<void>;
}

export function startFleetServices(
  kiosk: Kiosk,
  opts: { dataDir: string; settings: SettingsService; version: string; log: Logger; clock: Clock; window?: () => string },
): FleetServices {
  const s = opts.settings.get();
  const localCopy = new LocalStore(kiosk.db, opts.clock);
  const backups = new BackupService({
    db: kiosk.db,
    dir: s.backupDir ?? join(opts.dataDir, 'backups'),
    keep: s.backupKeep,
    intervalMs: s.backupIntervalMinutes * 60_000,
    clock: opts.clock,
    log: opts.log,
  });
  const health = new StationHealth(
    {
      db: kiosk.db,
      stationId: () => opts.settings.get().stationId,
      version: opts.version,
      online: () => kiosk.connectivity.state === 'online',
      lastSyncAt: () => localCopy.getSyncState().lastSyncAt,
      backup: () => {
        const b = backups.status();
        return { lastAt: b.last?.at ?? null, lastError: b.lastError };
      },
      ...(opts.window ? { window: opts.window } : {}),
      dataDir: opts.dataDir,
    },
    { clock: opts.clock, log: opts.log, dir: s.healthDir ?? join(opts.dataDir, 'health'), intervalMs: 60_000 },
  );
  backups.start();
  health.start();
  return {
    backups,
    health,
    async stop() {
      health.stop();
      await backups.stop();
    },
  };
}
