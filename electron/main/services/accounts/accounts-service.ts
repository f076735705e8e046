import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { dummyHash, hashSecret, verifySecret } from './password';

export const MAX_FAILED_SIGN_INS = 5;
export const SIGN_IN_LOCK_MS = 15 * 60 * 1000;

interface AccountRow {
  email: string;
  customer_id: string;
  password_hash: string;
  failed_attempts: number;
  locked_until: number | null;
}

/** Customer portal accounts: email + scrypt-hashed password → Stripe customer id. */
export class AccountsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async create(email: string, password: string, customerId: string): Promise<void> {
    const hash = await hashSecret(password);
    this.db
      .prepare(
        `INSERT INTO portal_accounts (email, customer_id, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(email) DO UPDATE SET customer_id = excluded.customer_id, password_hash = excluded.password_hash,
           failed_attempts = 0, locked_until = NULL`,
      )
      .run(email.trim().toLowerCase(), customerId, hash, this.clock.now());
  }

  exists(email: string): boolean {
    return this.db.prepare('SELECT 1 FROM portal_accounts WHERE email = ?').get(email.trim().toLowerCase()) !== undefined;
  }

  /**
   * Checks the password; returns the customer id. Five wrong passwords in a row lock the account
   * for 15 minutes (the lock survives a restart because it is in SQLite).
   */
  async verify(email: string, password: string): Promise<string> {
    const normalized = email.trim().toLowerCase();
    const row = this.db.prepare<[string], AccountRow>('SELECT * FROM portal_accounts WHERE email = ?').get(normalized);
    const now = this.clock.now();
    if (!row) {
      await verifySecret(password, await dummyHash());
      throw wrongCredentials();
    }
    if (row.locked_until !== null && row.locked_until > now) throw lockedError(row.locked_until, now);
    if (await verifySecret(password, row.password_hash)) {
      this.db.prepare('UPDATE portal_accounts SET failed_attempts = 0, locked_until = NULL WHERE email = ?').run(normalized);
      return row.customer_id;
    }
    const failures = (row.locked_until !== null ? 0 : row.failed_attempts) + 1;
    const lockedUntil = failures >= MAX_FAILED_SIGN_INS ? now + SIGN_IN_LOCK_MS : null;
    this.db
      .prepare('UPDATE portal_accounts SET failed_attempts = ?, locked_until = ? WHERE email = ?')
      .run(lockedUntil ? 0 : failures, lockedUntil, normalized);
    if (lockedUntil) throw lockedError(lockedUntil, now);
    throw wrongCredentials();
  }
}

const wrongCredentials = () => new AppError('unauthenticated', 'That email and password do not match an account.');

function lockedError(until: number, now: number): AppError {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return new AppError(
    'locked',
    `Too many wrong attempts. This account is locked for ${minutes} minute${minutes === 1 ? '' : 's'}. Please try again later or ask at the front desk.`,
  );
}
