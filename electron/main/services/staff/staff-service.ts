/**
 * Front-desk staff: PIN sign-in (scrypt hashes, the same as portal passwords), the first manager,
 * adding and disabling staff. Ten wrong PINs in a row lock that staff member for 30 minutes; the
 * count lives in SQLite (Lockouts), so a restart does not reset it.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import { dummyHash, hashSecret, takeCheckTime, verifySecret } from '../accounts/password';
import { AppError } from '../errors';
import type { LockPolicy, Lockouts } from '../lockouts';

export type StaffRole = 'clerk' | 'manager';

export interface Staff {
  id: string;
  name: string;
  role: StaffRole;
  active: boolean;
  createdAt: number;
}

interface Row {
  id: string;
  name: string;
  role: StaffRole;
  pin_hash: string;
  active: number;
  created_at: number;
}

export const PIN_LOCK_POLICY: LockPolicy = { maxFailures: 10, lockMs: 30 * 60_000 };

const toStaff = (r: Row): Staff => ({ id: r.id, name: r.name, role: r.role, active: r.active === 1, createdAt: r.created_at });
const subject = (id: string) => `staff:${id}`;

/** What a sign-in attempt came to, for the audit log (the caller records it, then throws or signs in). */
export type PinCheck = { ok: true; staff: Staff } | { ok: false; staff: Staff | null; error: AppError };

export class StaffService {
  constructor(private readonly deps: { db: Db; clock: Clock; lockouts: Lockouts }) {}

  hasStaff(): boolean {
    return this.deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM desk_staff').get()!.n > 0;
  }

  get(id: string): Staff | null {
    const row = this.deps.db.prepare<[string], Row>('SELECT * FROM desk_staff WHERE id = ?').get(id);
    return row ? toStaff(row) : null;
  }

  list(): Staff[] {
    return this.deps.db.prepare<[], Row>('SELECT * FROM desk_staff ORDER BY name').all().map(toStaff);
  }

  /** The first manager: only while there is no staff member at all. */
  async createFirstManager(name: string, pin: string): Promise<Staff> {
    const hash = await hashSecret(pin);
    return this.deps.db.transaction(() => {
      if (this.hasStaff()) throw new AppError('conflict', 'This station already has staff. Ask a manager to add you.');
      return this.insert(name, 'manager', hash, null);
    })();
  }

  async add(name: string, pin: string, role: StaffRole, createdBy: string): Promise<Staff> {
    const hash = await hashSecret(pin);
    return this.deps.db.transaction(() => this.insert(name, role, hash, createdBy))();
  }

  /** Disables (or enables again) a staff member. The last active manager cannot be disabled. */
  setActive(id: string, active: boolean): Staff {
    const { db, clock } = this.deps;
    return db.transaction(() => {
      const staff = this.get(id);
      if (!staff) throw new AppError('not_found', 'That staff member was not found.');
      if (!active && staff.role === 'manager' && staff.active) {
        const managers = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM desk_staff WHERE role = 'manager' AND active = 1").get()!
          .n;
        if (managers <= 1) throw new AppError('conflict', 'The last active manager cannot be disabled.', 'staffId');
      }
      db.prepare('UPDATE desk_staff SET active = ?, updated_at = ? WHERE id = ?').run(active ? 1 : 0, clock.now(), id);
      return this.get(id)!;
    })();
  }

  /**
   * Checks a PIN by staff id or name. Never throws for a wrong PIN: the answer says what happened.
   * The try is counted against the staff member (however the name was typed) before the hash, so a
   * burst gets no more checks than the policy; an unknown name is counted under its own spelling. An
   * unknown, disabled or locked subject takes the same hash and gets the same answer for a wrong PIN;
   * only the right PIN hears that its owner is disabled.
   */
  async checkPin(who: { staffId?: string | undefined; name?: string | undefined }, pin: string): Promise<PinCheck> {
    const { lockouts } = this.deps;
    const row = this.find(who);
    const key = row ? subject(row.id) : who.staffId ? subject(who.staffId) : `staff-name:${canonicalName(who.name ?? '')}`;
    const staff = row ? toStaff(row) : null;
    const reserved = lockouts.reserve(key, PIN_LOCK_POLICY);
    if (!reserved.granted) {
      await takeCheckTime();
      return { ok: false, staff, error: locked(reserved.lock.minutesLeft) };
    }
    const match = await verifySecret(pin, row?.pin_hash ?? (await dummyHash()));
    if (!row || !match) {
      const after = lockouts.state(key);
      return { ok: false, staff, error: after.locked ? locked(after.minutesLeft) : wrongPin() };
    }
    lockouts.succeed(key);
    if (row.active !== 1)
      return { ok: false, staff, error: AppError.because('staff_disabled', { message: 'This staff member is disabled. Ask a manager.' }) };
    return { ok: true, staff: staff! };
  }

  /** By id, or by name however it was typed (case, spaces): every spelling of a name is one subject. */
  private find(who: { staffId?: string | undefined; name?: string | undefined }): Row | undefined {
    const { db } = this.deps;
    if (who.staffId) return db.prepare<[string], Row>('SELECT * FROM desk_staff WHERE id = ?').get(who.staffId);
    const wanted = canonicalName(who.name ?? '');
    return db
      .prepare<[], Row>('SELECT * FROM desk_staff ORDER BY created_at')
      .all()
      .find((r) => canonicalName(r.name) === wanted);
  }

  private insert(name: string, role: StaffRole, hash: string, createdBy: string | null): Staff {
    const { db, clock } = this.deps;
    const clean = name.trim();
    if (db.prepare<[string], { id: string }>('SELECT id FROM desk_staff WHERE name = ?').get(clean)) {
      throw new AppError('conflict', 'There is already a staff member with that name.', 'name');
    }
    const id = `staff_${randomBytes(8).toString('hex')}`;
    const now = clock.now();
    db.prepare(
      'INSERT INTO desk_staff (id, name, role, pin_hash, active, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
    ).run(id, clean, role, hash, createdBy, now, now);
    return this.get(id)!;
  }
}

const canonicalName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
const wrongPin = () => AppError.because('staff_wrong_pin', { field: 'pin', message: 'That name and PIN do not match.' });

const locked = (minutes: number) =>
  AppError.because('staff_locked', {
    params: { minutes },
    message: `Too many wrong PINs. This staff member is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}; a manager can help meanwhile.`,
  });
