import type { Db } from '../db/connection';
import type { Clock } from './clock';

export interface LockPolicy {
  /** Wrong tries in a row that lock the subject. */
  maxFailures: number;
  lockMs: number;
}

export type LockState = { locked: false } | { locked: true; until: number; minutesLeft: number };

/**
 * Counts wrong tries per subject (an account, an invoice, a staff member) in SQLite, so a lock
 * survives a restart. A success clears the count; a lock that has run out starts a fresh count.
 *
 * A try is counted *before* the slow check (`reserve`, then verify, then `succeed` on a match), so
 * a burst of parallel tries can never get more checks than the policy allows: the tries that find
 * the budget spent are refused without being checked. `fail` (count after the check) and
 * `oneAtATime` (one try per subject at a time) are for callers whose check is not a single step.
 */
export class Lockouts {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  state(subject: string): LockState {
    const row = this.db
      .prepare<[string], { locked_until: number | null }>('SELECT locked_until FROM lockouts WHERE subject = ?')
      .get(subject);
    const now = this.clock.now();
    if (!row?.locked_until || row.locked_until <= now) return { locked: false };
    return { locked: true, until: row.locked_until, minutesLeft: Math.max(1, Math.ceil((row.locked_until - now) / 60_000)) };
  }

  /**
   * Takes one try from the subject's budget, counted as wrong until `succeed` clears it. Answers
   * `{ granted: false }` (and counts nothing) when the subject is locked; the try that spends the
   * last of the budget is granted and locks the subject for everyone after it.
   */
  reserve(subject: string, policy: LockPolicy): { granted: true } | { granted: false; lock: Extract<LockState, { locked: true }> } {
    const before = this.state(subject);
    if (before.locked) return { granted: false, lock: before };
    this.count(subject, policy);
    return { granted: true };
  }

  /** Records a wrong try; returns the lock state after it. */
  fail(subject: string, policy: LockPolicy): LockState {
    this.count(subject, policy);
    return this.state(subject);
  }

  succeed(subject: string): void {
    this.db.prepare('DELETE FROM lockouts WHERE subject = ?').run(subject);
  }

  /** Runs `fn` after every earlier call for the same subject has settled (in this process). */
  oneAtATime<T>(subject: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(subject) ?? Promise.resolve();
    const run = prev.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(subject, tail);
    void tail.then(() => {
      if (this.queues.get(subject) === tail) this.queues.delete(subject);
    });
    return run;
  }

  private count(subject: string, policy: LockPolicy): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      const row = this.db
        .prepare<[string], { failed_attempts: number; locked_until: number | null }>(
          'SELECT failed_attempts, locked_until FROM lockouts WHERE subject = ?',
        )
        .get(subject);
      const failures = (row?.locked_until != null ? 0 : (row?.failed_attempts ?? 0)) + 1;
      const lockedUntil = failures >= policy.maxFailures ? now + policy.lockMs : null;
      this.db
        .prepare(
          `INSERT INTO lockouts (subject, failed_attempts, locked_until) VALUES (?, ?, ?)
           ON CONFLICT(subject) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until`,
        )
        .run(subject, lockedUntil ? 0 : failures, lockedUntil);
    })();
  }
}
