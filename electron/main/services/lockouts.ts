import type { Db } from '../db/connection';
import type { Clock } from './clock';

export interface LockPolicy {
  /** Wrong tries in a row that lock the subject. */
  maxFailures: number;
  lockMs: number;
}

export type LockState = { locked: false } | { locked: true; until: number; minutesLeft: number };

/**
 * Counts wrong tries per subject (an account, an invoice number, a staff member) in SQLite, so a
 * lock survives a restart. A success clears the count; a lock that has run out starts a fresh count.
 */
export class Lockouts {
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

  /** Records a wrong try; returns the lock state after it. */
  fail(subject: string, policy: LockPolicy): LockState {
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
    return this.state(subject);
  }

  succeed(subject: string): void {
    this.db.prepare('DELETE FROM lockouts WHERE subject = ?').run(subject);
  }
}
