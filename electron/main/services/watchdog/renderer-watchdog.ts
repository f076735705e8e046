/**
 * Keeps the kiosk's window alive without a loop. A renderer that dies is reloaded after a delay that
 * doubles with each failure (capped); one that hangs is given a grace period, then killed, which
 * counts as a death. After `maxFailures` deaths within `windowMs` the window shows the plain "out of
 * order" page instead, and stays there (a person restarts the app), or, with `outOfOrderRetryMs`,
 * tries once more after that long.
 *
 * Plain class: the window, the timers and the clock come in through the ports, so all of it runs
 * under Node in tests. electron/main/app/window-watchdog.ts connects it to a BrowserWindow.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface WatchdogWindow {
  /** Load the app's page again (after a crash, or after out-of-order's retry). */
  reload(): void;
  /** Kill a hung renderer; the window then reports it gone (`rendererGone`). */
  kill(): void;
  /** Show the out-of-order page (it needs no renderer code). */
  showOutOfOrder(): void;
}

export interface Timers {
  /** Runs fn after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export interface WatchdogOptions {
  /** First reload delay; doubles per failure in the window. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** This many deaths within windowMs means out of order. */
  maxFailures: number;
  windowMs: number;
  /** How long a hung renderer may stay unresponsive before it is killed. */
  hangGraceMs: number;
  /** null: out of order until restarted; otherwise one more try after this long. */
  outOfOrderRetryMs: number | null;
}

export const DEFAULT_WATCHDOG: WatchdogOptions = {
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxFailures: 5,
  windowMs: 10 * 60_000,
  hangGraceMs: 15_000,
  outOfOrderRetryMs: 30 * 60_000,
};

export type WatchdogState = 'running' | 'reloading' | 'out-of-order';

export interface WatchdogStatus {
  state: WatchdogState;
  /** Deaths within the window. */
  recentFailures: number;
  lastFailureAt: number | null;
  lastReason: string | null;
}

export class RendererWatchdog {
  private readonly opts: WatchdogOptions;
  private failures: number[] = [];
  private state: WatchdogState = 'running';
  private lastReason: string | null = null;
  private cancelPending: (() => void) | null = null;
  private cancelHang: (() => void) | null = null;

  constructor(
    private readonly win: WatchdogWindow,
    private readonly deps: { clock: Clock; timers: Timers; log: Logger },
    opts: Partial<WatchdogOptions> = {},
  ) {
    this.opts = { ...DEFAULT_WATCHDOG, ...opts };
  }

  /** The renderer process is gone (crashed, killed, out of memory, or we killed it when hung). */
  rendererGone(reason: string, exitCode?: number): void {
    this.clearHang();
    if (this.state === 'out-of-order') return;
    const now = this.deps.clock.now();
    this.failures = this.failures.filter((t) => now - t < this.opts.windowMs);
    this.failures.push(now);
    this.lastReason = reason;
    const n = this.failures.length;
    if (n >= this.opts.maxFailures) {
      this.outOfOrder(reason, n);
      return;
    }
    const delay = this.delayFor(n);
    this.deps.log.warn('renderer gone; reloading', { reason, exitCode, failures: n, delayMs: delay });
    this.state = 'reloading';
    this.replacePending(
      this.deps.timers.after(delay, () => {
        this.cancelPending = null;
        if (this.state !== 'reloading') return;
        this.state = 'running';
        this.win.reload();
      }),
    );
  }

  /** The window stopped answering; kill it if it does not answer within the grace period. */
  unresponsive(): void {
    if (this.state !== 'running' || this.cancelHang) return;
    this.deps.log.warn('renderer unresponsive', { graceMs: this.opts.hangGraceMs });
    this.cancelHang = this.deps.timers.after(this.opts.hangGraceMs, () => {
      this.cancelHang = null;
      this.deps.log.error('renderer still unresponsive; killing it');
      this.win.kill();
    });
  }

  responsive(): void {
    this.clearHang();
  }

  /** Reload delay after the n-th failure in the window (n ≥ 1). */
  delayFor(n: number): number {
    return Math.min(this.opts.baseDelayMs * 2 ** (n - 1), this.opts.maxDelayMs);
  }

  status(): WatchdogStatus {
    const now = this.deps.clock.now();
    const recent = this.failures.filter((t) => now - t < this.opts.windowMs);
    return {
      state: this.state,
      recentFailures: recent.length,
      lastFailureAt: this.failures.at(-1) ?? null,
      lastReason: this.lastReason,
    };
  }

  stop(): void {
    this.clearHang();
    this.cancelPending?.();
    this.cancelPending = null;
  }

  private outOfOrder(reason: string, failures: number): void {
    this.state = 'out-of-order';
    this.deps.log.error('renderer keeps failing; showing the out-of-order page', { reason, failures });
    this.win.showOutOfOrder();
    const retry = this.opts.outOfOrderRetryMs;
    this.replacePending(
      retry === null
        ? null
        : this.deps.timers.after(retry, () => {
            this.cancelPending = null;
            this.failures = [];
            this.state = 'running';
            this.deps.log.info('out of order for a while; trying the app again');
            this.win.reload();
          }),
    );
  }

  private replacePending(cancel: (() => void) | null): void {
    this.cancelPending?.();
    this.cancelPending = cancel;
  }

  private clearHang(): void {
    this.cancelHang?.();
    this.cancelHang = null;
  }
}
