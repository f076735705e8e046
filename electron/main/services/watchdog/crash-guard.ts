/**
 * An uncaught error in the main process is logged and the app restarts itself. A crash loop (too
 * many within the window, counted in a small file that survives the restarts) restarts into the
 * out-of-order page instead of trying again at once.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface CrashLog {
  read(): number[];
  write(times: number[]): void;
}

/** Crash times in a JSON file, written atomically (the process exits right after). */
export function fileCrashLog(path: string): CrashLog {
  return {
    read() {
      try {
        const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
        return Array.isArray(v) ? v.filter((t): t is number => typeof t === 'number') : [];
      } catch {
        return [];
      }
    },
    write(times) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(times));
      renameSync(`${path}.tmp`, path);
    },
  };
}

export interface CrashGuardDeps {
  log: Logger;
  clock: Clock;
  crashLog: CrashLog;
  /** Start a new instance of the app (Electron: app.relaunch) in the mode given. */
  relaunch(mode: { outOfOrder: boolean }): void;
  exit(code: number): void;
}

export interface CrashGuardOptions {
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_CRASH_GUARD: CrashGuardOptions = { maxCrashes: 3, windowMs: 10 * 60_000 };

export class MainCrashGuard {
  private readonly opts: CrashGuardOptions;
  private handling = false;

  constructor(
    private readonly deps: CrashGuardDeps,
    opts: Partial<CrashGuardOptions> = {},
  ) {
    this.opts = { ...DEFAULT_CRASH_GUARD, ...opts };
  }

  /** Listens for uncaught exceptions and unhandled rejections on the process given. */
  install(proc: Pick<NodeJS.Process, 'on'>): void {
    proc.on('uncaughtException', (err) => this.handle('uncaughtException', err));
    proc.on('unhandledRejection', (reason) => this.handle('unhandledRejection', reason));
  }

  handle(kind: 'uncaughtException' | 'unhandledRejection', err: unknown): void {
    if (this.handling) return;
    this.handling = true;
    const now = this.deps.clock.now();
    const recent = [...this.deps.crashLog.read().filter((t) => now - t < this.opts.windowMs), now];
    const outOfOrder = recent.length >= this.opts.maxCrashes;
    try {
      this.deps.crashLog.write(recent);
    } catch {
      // Counting is best effort; restarting is not.
    }
    this.deps.log.error(
      outOfOrder ? 'main process keeps crashing; restarting into the out-of-order page' : 'main process crashed; restarting',
      {
        kind,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
        crashesInWindow: recent.length,
      },
    );
    this.deps.relaunch({ outOfOrder });
    this.deps.exit(1);
  }

  /** After a clean run (e.g. the app has been up a while), forget old crashes. */
  clear(): void {
    this.deps.crashLog.write([]);
  }
}
