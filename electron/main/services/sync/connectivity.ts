import type { Clock } from '../clock';
import type { Logger } from '../logger';

export type ConnectivityState = 'online' | 'offline';

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realTimers: Timers = {
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    h.unref?.();
    return h;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * Whether Stripe can be reached, from two sources: every real call (the gateway reports success or
 * a connection failure) and a light periodic check (more often while offline).
 */
export class ConnectivityMonitor {
  private current: ConnectivityState = 'online';
  private changedAt: number;
  private readonly listeners = new Set<(state: ConnectivityState) => void>();
  private timer: unknown = null;
  private checking: Promise<boolean> | null = null;

  constructor(
    private readonly deps: {
      probe: () => Promise<void>;
      clock: Clock;
      log: Logger;
      timers?: Timers;
      onlineCheckMs?: number;
      offlineCheckMs?: number;
    },
  ) {
    this.changedAt = deps.clock.now();
  }

  get state(): ConnectivityState {
    return this.current;
  }

  get since(): number {
    return this.changedAt;
  }

  /** Called by the gateway after each call: true when Stripe answered, false when it could not be reached. */
  report(reachable: boolean): void {
    const next: ConnectivityState = reachable ? 'online' : 'offline';
    if (next === this.current) return;
    this.current = next;
    this.changedAt = this.deps.clock.now();
    this.deps.log.info(`Stripe is ${next}`);
    this.reschedule();
    for (const l of this.listeners) l(next);
  }

  /** One light call to Stripe; the result is reported like any other call's. */
  check(): Promise<boolean> {
    this.checking ??= this.deps
      .probe()
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        this.report(ok);
        return ok;
      })
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  onChange(listener: (state: ConnectivityState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.reschedule();
  }

  stop(): void {
    if (this.timer !== null) (this.deps.timers ?? realTimers).clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private reschedule(): void {
    const timers = this.deps.timers ?? realTimers;
    if (this.timer !== null) timers.clearInterval(this.timer);
    const ms = this.current === 'online' ? (this.deps.onlineCheckMs ?? 60_000) : (this.deps.offlineCheckMs ?? 10_000);
    this.timer = timers.setInterval(() => void this.check(), ms);
  }
}
