import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Lockouts, LockPolicy } from '../lockouts';
import { dummyHash, hashSecret, takeCheckTime, verifySecret } from './password';

/** Five wrong passwords in a row lock the account for 15 minutes. */
export const SIGN_IN_LOCK: LockPolicy = { maxFailures: 5, lockMs: 15 * 60 * 1000 };

interface AccountRow {
  customer_id: string;
  password_hash: string;
}

/** Customer portal accounts: email + scrypt-hashed password → Stripe customer id. */
export class AccountsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly lockouts: Lockouts,
  ) {}

  async create(email: string, password: string, customerId: string): Promise<void> {
    const hash = await hashSecret(password);
    this.db
      .prepare(
        `INSERT INTO portal_accounts (email, customer_id, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(email) DO UPDATE SET customer_id = excluded.customer_id, password_hash = excluded.password_hash`,
      )
      .run(normalize(email), customerId, hash, this.clock.now());
  }

  exists(email: string): boolean {
    return this.db.prepare('SELECT 1 FROM portal_accounts WHERE email = ?').get(normalize(email)) !== undefined;
  }

  /**
   * Checks the password and returns the customer id. The try is counted before the hash (a burst
   * gets no more checks than the policy), and an unknown email, a wrong password and a locked
   * account all take one hash; the lock survives a restart (it is in SQLite).
   */
  async verify(email: string, password: string): Promise<string> {
    const subject = `account:${normalize(email)}`;
    const reserved = this.lockouts.reserve(subject, SIGN_IN_LOCK);
    const row = reserved.granted
      ? this.db
          .prepare<[string], AccountRow>('SELECT customer_id, password_hash FROM portal_accounts WHERE email = ?')
          .get(normalize(email))
      : undefined;
    if (!reserved.granted) {
      await takeCheckTime();
      throw accountLocked(reserved.lock.minutesLeft);
    }
    const ok = await verifySecret(password, row?.password_hash ?? (await dummyHash()));
    if (row && ok) {
      this.lockouts.succeed(subject);
      return row.customer_id;
    }
    const after = this.lockouts.state(subject);
    if (after.locked) throw accountLocked(after.minutesLeft);
    throw AppError.because('wrong_credentials');
  }
}

const normalize = (email: string) => email.trim().toLowerCase();

export function lockedError(minutes: number): AppError {
  return new AppError(
    'locked',
    `Too many wrong attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'} or ask at the front desk.`,
  );
}

const accountLocked = (minutes: number): AppError =>
  AppError.because('account_locked', {
    params: { minutes },
    message: `Too many wrong attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'} or ask at the front desk.`,
  });
