/**
 * Cash drawer sessions, one open drawer per station. The drawer keeps what only it knows (the counted
 * float, paid-in, paid-out with a reason, "No sale", the tendered amount and change of each sale made
 * through it, the count at close); cash and check payments themselves are read from the payment
 * ledger (what this station took while the drawer was open), so the drawer can never disagree with it.
 *
 *   expected cash  = float + cash payments + paid-in − paid-out
 *   expected check = check payments
 *   variance       = counted − expected, per tender
 *
 * A variance above `varianceLimit` (either way, either tender) needs an active manager's name and PIN.
 * Every refusal happens before anything is written; every action is in the audit log. Everything is
 * in SQLite, so a drawer left open across a restart is still open with its figures.
 */
import { randomBytes } from 'node:crypto';
import { DRAWER_DENOMINATIONS, denominationKey, type DrawerView } from '../../../shared/contract-drawer';
import { MAX_AMOUNT_MINOR } from '../../../shared/money';
import type { Reason } from '../../../shared/reasons';
import type { Db } from '../../db/connection';
import type { AuditInput } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { DeskPayment } from '../desk-payments/ledger';
import { AppError } from '../errors';
import type { PrintResult } from '../receipts/print-result';

/** The drawer's currency (the business's; the close grid counts US bills and coins). */
export const DRAWER_CURRENCY = 'usd';

/** A cash or check payment as the drawer reads it from the ledger. */
export type TenderPayment = Pick<DeskPayment, 'id' | 'kind' | 'amount' | 'currency' | 'status' | 'stationId' | 'createdAt'>;

export type ManagerCheck =
  { ok: true; staffId: string; name: string } | { ok: false; reason: 'drawer_manager_pin_wrong' | 'drawer_approver_not_manager' };

export interface DrawerDeps {
  db: Db;
  clock: Clock;
  stationId: () => string;
  /** This station's cash and check payments created in [fromMs, toMs) (DeskLedger.tenderAtStation). */
  tenderPayments: (stationId: string, fromMs: number, toMs: number) => TenderPayment[];
  audit: { record(e: AuditInput): void };
  staffName: (id: string) => string | null;
  /** Checks a manager's name and PIN (StaffService.checkPin, with its lockout). */
  checkManager: (name: string, pin: string) => Promise<ManagerCheck>;
  /** Cents; a variance above it needs a manager. */
  varianceLimit: () => number;
  /** Sends the drawer-kick pulse to the receipt printer. Never throws. */
  kick: () => Promise<PrintResult>;
}

interface DrawerRow {
  id: string;
  station_id: string;
  status: 'open' | 'closed';
  currency: string;
  float_amount: number;
  opened_at: number;
  opened_by: string;
  closed_at: number | null;
  closed_by: string | null;
  approved_by: string | null;
  counts_json: string | null;
  counted_cash: number | null;
  counted_checks: number | null;
  expected_cash: number | null;
  expected_checks: number | null;
  variance_limit: number | null;
}

interface MoveRow {
  id: number;
  drawer_id: string;
  kind: 'sale' | 'paid_in' | 'paid_out' | 'no_sale';
  amount: number;
  tendered: number | null;
  change_given: number | null;
  payment_id: string | null;
  reason: string | null;
  staff_id: string;
  at: number;
}

/** Statuses of a ledger payment whose money is in the drawer (taken; sent, waiting in the queue, or held for review). */
const IN_DRAWER: ReadonlySet<string> = new Set(['succeeded', 'queued', 'needs_review', 'sending']);

const refuse = (reason: Reason, field?: string, params?: Record<string, string | number>): AppError =>
  AppError.because(reason, { ...(field ? { field } : {}), ...(params ? { params } : {}) });

/** An amount in cents: a whole, non-negative number (above zero unless `zeroOk`), at most Stripe's limit. */
export function checkCents(n: number, field: string, zeroOk = true): number {
  if (!Number.isFinite(n)) throw refuse('drawer_amount_not_cents', field);
  if (n < 0) throw refuse('drawer_amount_negative', field);
  if (!Number.isInteger(n)) throw refuse('drawer_amount_not_cents', field);
  if (n === 0 && !zeroOk) throw refuse('drawer_amount_zero', field);
  if (n > MAX_AMOUNT_MINOR) throw refuse('drawer_amount_too_large', field);
  return n;
}

/** Counted bills and coins → cents. A count is a whole number of pieces, never negative. */
export function countedCash(counts: Partial<Record<string, number>>): { total: number; counts: Record<string, number> } {
  const clean: Record<string, number> = {};
  let total = 0;
  for (const d of DRAWER_DENOMINATIONS) {
    const key = denominationKey(d);
    const n = counts[key] ?? 0;
    if (!Number.isFinite(n) || !Number.isInteger(n)) throw refuse('drawer_amount_not_cents', `counts.${key}`);
    if (n < 0) throw refuse('drawer_amount_negative', `counts.${key}`);
    if (n > 100_000) throw refuse('drawer_amount_too_large', `counts.${key}`);
    if (n > 0) clean[key] = n;
    total += n * d.value;
  }
  return { total, counts: clean };
}

export class DrawerService {
  constructor(private readonly deps: DrawerDeps) {}

  /** This station's open drawer, or null. */
  current(): DrawerView | null {
    const row = this.deps.db
      .prepare<[string], DrawerRow>("SELECT * FROM desk_drawers WHERE station_id = ? AND status = 'open'")
      .get(this.deps.stationId());
    return row ? this.view(row) : null;
  }

  get(id: string): DrawerView {
    return this.view(this.row(id));
  }

  open(float: number, staffId: string): DrawerView {
    const { db, clock } = this.deps;
    checkCents(float, 'float');
    const stationId = this.deps.stationId();
    const id = `drw_${randomBytes(8).toString('hex')}`;
    db.transaction(() => {
      if (this.current()) throw refuse('drawer_already_open');
      db.prepare(
        "INSERT INTO desk_drawers (id, station_id, status, currency, float_amount, opened_at, opened_by) VALUES (?, ?, 'open', ?, ?, ?, ?)",
      ).run(id, stationId, DRAWER_CURRENCY, float, clock.now(), staffId);
    })();
    this.deps.audit.record({ action: 'drawer.opened', staffId, subjectId: id, amount: float, currency: DRAWER_CURRENCY });
    return this.get(id);
  }

  /** Before a cash payment: the open drawer (or `drawer_not_open`), and the change for what was handed over. */
  checkSale(amount: number, tendered: number): { drawer: DrawerView; change: number } {
    checkCents(amount, 'amount', false);
    checkCents(tendered, 'tendered', false);
    const drawer = this.current();
    if (!drawer) throw refuse('drawer_not_open');
    if (tendered < amount) throw refuse('drawer_tendered_short', 'tendered', { amount, currency: DRAWER_CURRENCY });
    return { drawer, change: tendered - amount };
  }

  /** After the cash payment is in the ledger: its tendered amount and change, then the kick pulse. */
  async recordSale(input: {
    drawerId: string;
    paymentId: string;
    amount: number;
    tendered: number;
    staffId: string;
  }): Promise<PrintResult> {
    const change = input.tendered - input.amount;
    this.deps.db
      .prepare(
        "INSERT OR IGNORE INTO desk_drawer_moves (drawer_id, kind, amount, tendered, change_given, payment_id, staff_id, at) VALUES (?, 'sale', ?, ?, ?, ?, ?, ?)",
      )
      .run(input.drawerId, input.amount, input.tendered, change, input.paymentId, input.staffId, this.deps.clock.now());
    const kick = await this.deps.kick();
    this.deps.audit.record({
      action: 'drawer.sale',
      staffId: input.staffId,
      subjectId: input.drawerId,
      amount: input.amount,
      currency: DRAWER_CURRENCY,
      detail: { paymentId: input.paymentId, tendered: input.tendered, change, kicked: kick.ok },
    });
    return kick;
  }

  paidIn(amount: number, reason: string, staffId: string): DrawerView {
    return this.move('paid_in', amount, reason, staffId);
  }

  paidOut(amount: number, reason: string, staffId: string): DrawerView {
    return this.move('paid_out', amount, reason, staffId);
  }

  /** Opens the drawer with no sale (the caller checked the manager role). */
  async noSale(reason: string, staffId: string): Promise<{ drawer: DrawerView; kick: PrintResult }> {
    const drawer = this.current();
    if (!drawer) throw refuse('drawer_not_open');
    this.insertMove(drawer.id, 'no_sale', 0, reason, staffId);
    const kick = await this.deps.kick();
    this.deps.audit.record({ action: 'drawer.no_sale', staffId, subjectId: drawer.id, detail: { reason, kicked: kick.ok } });
    return { drawer: this.get(drawer.id), kick };
  }

  /**
   * Closes the drawer with its count. Refused, with nothing written: a drawer already closed, a bad
   * count, a variance over the limit without a manager's PIN (or with a wrong one).
   */
  async close(input: {
    drawerId: string;
    counts: Partial<Record<string, number>>;
    checks: number;
    staffId: string;
    approval?: { name: string; pin: string } | undefined;
  }): Promise<DrawerView> {
    const { db, clock, audit } = this.deps;
    const before = this.get(input.drawerId);
    if (before.status === 'closed') throw refuse('drawer_already_closed');
    const cash = countedCash(input.counts);
    const checks = checkCents(input.checks, 'checks');
    const now = clock.now();
    const figures = this.figures(this.row(input.drawerId), now + 1);
    const cashVariance = cash.total - figures.expectedCash;
    const checkVariance = checks - figures.checks.amount;
    const limit = this.deps.varianceLimit();
    const worst = Math.max(Math.abs(cashVariance), Math.abs(checkVariance));
    let approvedBy: string | null = null;
    if (worst > limit) {
      if (!input.approval) {
        throw refuse('drawer_variance_needs_manager', 'approval', { amount: worst, limit, currency: DRAWER_CURRENCY });
      }
      const check = await this.deps.checkManager(input.approval.name, input.approval.pin);
      if (!check.ok) {
        audit.record({
          action: 'drawer.approval_failed',
          staffId: input.staffId,
          subjectId: input.drawerId,
          detail: { approver: input.approval.name.slice(0, 80), reason: check.reason },
        });
        throw refuse(check.reason, 'approval');
      }
      approvedBy = check.staffId;
    }
    const changed = db
      .prepare(
        `UPDATE desk_drawers SET status = 'closed', closed_at = ?, closed_by = ?, approved_by = ?, counts_json = ?, counted_cash = ?,
           counted_checks = ?, expected_cash = ?, expected_checks = ?, variance_limit = ? WHERE id = ? AND status = 'open'`,
      )
      .run(
        now,
        input.staffId,
        approvedBy,
        JSON.stringify(cash.counts),
        cash.total,
        checks,
        figures.expectedCash,
        figures.checks.amount,
        limit,
        input.drawerId,
      ).changes;
    if (changed === 0) throw refuse('drawer_already_closed');
    audit.record({
      action: 'drawer.closed',
      staffId: input.staffId,
      subjectId: input.drawerId,
      amount: cash.total,
      currency: DRAWER_CURRENCY,
      detail: {
        expectedCash: figures.expectedCash,
        cashVariance,
        countedChecks: checks,
        expectedChecks: figures.checks.amount,
        checkVariance,
        approvedBy,
      },
    });
    return this.get(input.drawerId);
  }

  private move(kind: 'paid_in' | 'paid_out', amount: number, reason: string, staffId: string): DrawerView {
    const { db } = this.deps;
    checkCents(amount, 'amount', false);
    const drawer = db.transaction(() => {
      const open = this.current();
      if (!open) throw refuse('drawer_not_open');
      if (kind === 'paid_out' && amount > open.cash.expected) {
        throw refuse('drawer_paid_out_over_cash', 'amount', { max: Math.max(0, open.cash.expected), currency: DRAWER_CURRENCY });
      }
      this.insertMove(open.id, kind, kind === 'paid_out' ? -amount : amount, reason, staffId);
      return open;
    })();
    this.deps.audit.record({
      action: kind === 'paid_in' ? 'drawer.paid_in' : 'drawer.paid_out',
      staffId,
      subjectId: drawer.id,
      amount,
      currency: DRAWER_CURRENCY,
      detail: { reason },
    });
    return this.get(drawer.id);
  }

  private insertMove(drawerId: string, kind: MoveRow['kind'], amount: number, reason: string | null, staffId: string): void {
    this.deps.db
      .prepare('INSERT INTO desk_drawer_moves (drawer_id, kind, amount, reason, staff_id, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(drawerId, kind, amount, reason, staffId, this.deps.clock.now());
  }

  private row(id: string): DrawerRow {
    const row = this.deps.db.prepare<[string], DrawerRow>('SELECT * FROM desk_drawers WHERE id = ?').get(id);
    if (!row || row.station_id !== this.deps.stationId()) throw refuse('drawer_not_found', 'drawerId');
    return row;
  }

  private moves(drawerId: string): MoveRow[] {
    return this.deps.db.prepare<[string], MoveRow>('SELECT * FROM desk_drawer_moves WHERE drawer_id = ? ORDER BY id').all(drawerId);
  }

  /** The ledger's cash and checks for the drawer's time, and the drawer's own moves. */
  private figures(row: DrawerRow, untilMs: number) {
    const payments = this.deps
      .tenderPayments(row.station_id, row.opened_at, untilMs)
      .filter((p) => p.currency === row.currency && IN_DRAWER.has(p.status));
    const sum = (ps: TenderPayment[]) => ({ count: ps.length, amount: ps.reduce((n, p) => n + p.amount, 0) });
    const cashSales = sum(payments.filter((p) => p.kind === 'cash'));
    const checks = sum(payments.filter((p) => p.kind === 'check'));
    const moves = this.moves(row.id);
    const total = (kind: MoveRow['kind']) => moves.filter((m) => m.kind === kind).reduce((n, m) => n + Math.abs(m.amount), 0);
    const sales = moves.filter((m) => m.kind === 'sale');
    const paidIn = total('paid_in');
    const paidOut = total('paid_out');
    return {
      moves,
      cashSales,
      checks,
      paidIn,
      paidOut,
      tendered: sales.reduce((n, m) => n + (m.tendered ?? 0), 0),
      changeGiven: sales.reduce((n, m) => n + (m.change_given ?? 0), 0),
      noSales: moves.filter((m) => m.kind === 'no_sale').length,
      expectedCash: row.float_amount + cashSales.amount + paidIn - paidOut,
    };
  }

  private view(row: DrawerRow): DrawerView {
    const open = row.status === 'open';
    const f = open
      ? this.figures(row, this.deps.clock.now() + 1)
      : { ...this.figures(row, row.closed_at! + 1), expectedCash: row.expected_cash! };
    const expectedChecks = open ? f.checks.amount : row.expected_checks!;
    const name = (id: string | null) => (id ? (this.deps.staffName(id) ?? id) : null);
    return {
      id: row.id,
      stationId: row.station_id,
      status: row.status,
      currency: row.currency,
      openedAt: row.opened_at,
      openedBy: name(row.opened_by),
      closedAt: row.closed_at,
      closedBy: name(row.closed_by),
      approvedBy: name(row.approved_by),
      float: row.float_amount,
      cashSales: f.cashSales,
      checks: f.checks,
      tendered: f.tendered,
      changeGiven: f.changeGiven,
      paidIn: f.paidIn,
      paidOut: f.paidOut,
      noSales: f.noSales,
      cash: {
        expected: f.expectedCash,
        counted: row.counted_cash,
        variance: row.counted_cash === null ? null : row.counted_cash - f.expectedCash,
      },
      check: {
        expected: expectedChecks,
        counted: row.counted_checks,
        variance: row.counted_checks === null ? null : row.counted_checks - expectedChecks,
      },
      counts: row.counts_json ? (JSON.parse(row.counts_json) as Record<string, number>) : null,
      varianceLimit: row.variance_limit ?? this.deps.varianceLimit(),
      moves: [
        {
          id: 0,
          kind: 'float' as const,
          amount: row.float_amount,
          tendered: null,
          change: null,
          paymentId: null,
          reason: null,
          staffId: row.opened_by,
          staffName: name(row.opened_by),
          at: row.opened_at,
        },
        ...f.moves.map((m) => ({
          id: m.id,
          kind: m.kind,
          amount: m.amount,
          tendered: m.tendered,
          change: m.change_given,
          paymentId: m.payment_id,
          reason: m.reason,
          staffId: m.staff_id,
          staffName: name(m.staff_id),
          at: m.at,
        })),
      ],
    };
  }
}
