/**
 * The payment ledger: every payment this station takes, whoever takes it (kiosk customer, guest,
 * desk clerk) and whatever the tender. One row per customer action (`payments`), its allocations
 * to invoices (one per invoice it pays; none for a payment on account), and every money-moving
 * request it made (`steps`, each with the idempotency key it used, committed before it is sent).
 * One status enum for all of them.
 */
import { randomBytes } from 'node:crypto';
import type { MethodSummary, PaymentOutcome } from '../../../shared/contract';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';

export const CHANNELS = ['kiosk', 'guest', 'desk'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How the money comes: the driver that moves it. */
export const TENDERS = ['saved_method', 'new_card', 'new_bank', 'element', 'reader', 'reader_js', 'cash', 'check'] as const;
export type Tender = (typeof TENDERS)[number];

/**
 * The one status of a payment, whatever its tender:
 * open (nothing sent yet) → sending → [waiting_for_card → capturing] → succeeded | processing |
 * requires_verification | partially_succeeded | failed | canceled; queued (waits for the line);
 * unknown (an answer was lost: reconciled before anything else); needs_review (a person must look).
 */
export const PAYMENT_STATUSES = [
  'open',
  'sending',
  'waiting_for_card',
  'capturing',
  'queued',
  'succeeded',
  'partially_succeeded',
  'processing',
  'requires_verification',
  'failed',
  'canceled',
  'unknown',
  'needs_review',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** The status of one invoice's part of a payment. */
export const ALLOCATION_STATUSES = [
  'pending',
  'sending',
  'authorized',
  'succeeded',
  'processing',
  'requires_verification',
  'failed',
  'released',
  'canceled',
  'unknown',
] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** Money went (or is going) through: the payment answers every later try with what it recorded. */
export const SETTLED: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'processing', 'requires_verification']);
/** A part that is paid (or being paid): it is never charged again. */
export const ALLOCATION_DONE: ReadonlySet<AllocationStatus> = new Set(['succeeded', 'processing', 'requires_verification', 'authorized']);

export interface Allocation {
  paymentId: string;
  seq: number;
  /** null: the part that goes on account (no invoice; the customer's balance is credited). */
  invoiceId: string | null;
  invoiceNumber: string | null;
  /** What the invoice still owed when the payment was opened. */
  invoiceRemaining: number;
  /** This invoice's part of the payment (0 until an amount is chosen). */
  amount: number;
  status: AllocationStatus;
  paymentIntentId: string | null;
  paymentRecordId: string | null;
  /** The money is applied to the invoice at Stripe. */
  attached: boolean;
  outcome: PaymentOutcome | null;
}

export interface Payment {
  id: string;
  channel: Channel;
  tender: Tender | null;
  customerId: string;
  currency: string;
  amount: number;
  /** Every idempotency key of this payment starts with it. */
  keyBase: string;
  status: PaymentStatus;
  stationId: string;
  staffId: string | null;
  readerId: string | null;
  checkNumber: string | null;
  outboxId: string | null;
  /** A payment on account: its one allocation has no invoice; the customer's balance is credited. */
  onAccount: boolean;
  creditId: string | null;
  method: MethodSummary | null;
  /** Card-present: the EMV fields the receipt must carry. */
  receipt: unknown;
  /** Why it stopped (a decline code, 'invoice_changed', ...), for the desk's words. */
  code: string | null;
  message: string | null;
  outcome: PaymentOutcome | null;
  createdAt: number;
  updatedAt: number;
  allocations: Allocation[];
}

export interface Step {
  paymentId: string;
  step: number;
  /** The allocation (invoice part) the step is for; null for a payment-wide step. */
  seq: number | null;
  kind: string;
  idempotencyKey: string;
  amount: number;
  paymentMethodId: string | null;
  createParams: string | null;
}

export interface NewPayment {
  id?: string;
  channel: Channel;
  tender?: Tender | null;
  customerId: string;
  currency: string;
  amount?: number;
  keyBase?: string;
  status?: PaymentStatus;
  stationId: string;
  staffId?: string | null;
  readerId?: string | null;
  checkNumber?: string | null;
  outboxId?: string | null;
  /** One per invoice paid; a payment on account has one with no invoice. */
  allocations: { invoiceId: string | null; invoiceNumber: string | null; invoiceRemaining: number; amount?: number }[];
}

export type PaymentPatch = Partial<
  Pick<
    Payment,
    'tender' | 'amount' | 'status' | 'readerId' | 'outboxId' | 'creditId' | 'method' | 'receipt' | 'code' | 'message' | 'outcome'
  >
>;
export type AllocationPatch = Partial<
  Pick<Allocation, 'amount' | 'status' | 'paymentIntentId' | 'paymentRecordId' | 'attached' | 'outcome'>
>;

interface PaymentRow {
  id: string;
  channel: Channel;
  tender: Tender | null;
  customer_id: string;
  currency: string;
  amount: number;
  key_base: string;
  status: PaymentStatus;
  station_id: string;
  staff_id: string | null;
  reader_id: string | null;
  check_number: string | null;
  outbox_id: string | null;
  credit_id: string | null;
  method_json: string | null;
  receipt_json: string | null;
  code: string | null;
  message: string | null;
  outcome_json: string | null;
  created_at: number;
  updated_at: number;
}

interface AllocationRow {
  payment_id: string;
  seq: number;
  invoice_id: string | null;
  invoice_number: string | null;
  invoice_remaining: number;
  amount: number;
  status: AllocationStatus;
  payment_intent_id: string | null;
  payment_record_id: string | null;
  attached: number;
  outcome_json: string | null;
}

interface StepRow {
  payment_id: string;
  step: number;
  seq: number | null;
  kind: string;
  idempotency_key: string;
  amount: number;
  payment_method_id: string | null;
  create_params: string | null;
}

const PAYMENT_COLUMNS: Record<keyof PaymentPatch, string> = {
  tender: 'tender',
  amount: 'amount',
  status: 'status',
  readerId: 'reader_id',
  outboxId: 'outbox_id',
  creditId: 'credit_id',
  method: 'method_json',
  receipt: 'receipt_json',
  code: 'code',
  message: 'message',
  outcome: 'outcome_json',
};
const JSON_COLUMNS = new Set<keyof PaymentPatch>(['method', 'receipt', 'outcome']);

const ALLOCATION_COLUMNS: Record<keyof AllocationPatch, string> = {
  amount: 'amount',
  status: 'status',
  paymentIntentId: 'payment_intent_id',
  paymentRecordId: 'payment_record_id',
  attached: 'attached',
  outcome: 'outcome_json',
};

export const newPaymentId = (prefix = 'pay'): string => `${prefix}_${randomBytes(12).toString('hex')}`;

const parse = <T>(json: string | null): T | null => (json ? (JSON.parse(json) as T) : null);

export class PaymentLedger {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Commits the payment, its allocations and its key base in one transaction, before anything is sent. */
  create(input: NewPayment): Payment {
    const id = input.id ?? newPaymentId();
    const now = this.clock.now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO payments (id, channel, tender, customer_id, currency, amount, key_base, status, station_id, staff_id,
             reader_id, check_number, outbox_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.channel,
          input.tender ?? null,
          input.customerId,
          input.currency,
          input.amount ?? 0,
          input.keyBase ?? `${input.channel}:${id}`,
          input.status ?? 'open',
          input.stationId,
          input.staffId ?? null,
          input.readerId ?? null,
          input.checkNumber ?? null,
          input.outboxId ?? null,
          now,
          now,
        );
      const insert = this.db.prepare(
        `INSERT INTO payment_allocations (payment_id, seq, invoice_id, invoice_number, invoice_remaining, amount, status, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      );
      input.allocations.forEach((a, i) => insert.run(id, i + 1, a.invoiceId, a.invoiceNumber, a.invoiceRemaining, a.amount ?? 0, now));
    })();
    return this.get(id)!;
  }

  get(id: string): Payment | null {
    const row = this.db.prepare<[string], PaymentRow>('SELECT * FROM payments WHERE id = ?').get(id);
    return row ? this.toPayment(row) : null;
  }

  /** The payment (and allocation) that made this PaymentIntent on this station, if any. */
  byIntent(paymentIntentId: string): Payment | null {
    const row = this.db
      .prepare<[string], { payment_id: string }>('SELECT payment_id FROM payment_allocations WHERE payment_intent_id = ?')
      .get(paymentIntentId);
    return row ? this.get(row.payment_id) : null;
  }

  byOutbox(outboxId: string): Payment | null {
    const row = this.db.prepare<[string], PaymentRow>('SELECT * FROM payments WHERE outbox_id = ?').get(outboxId);
    return row ? this.toPayment(row) : null;
  }

  update(id: string, patch: PaymentPatch): Payment {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof PaymentPatch, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${PAYMENT_COLUMNS[key]} = ?`);
      values.push(JSON_COLUMNS.has(key) ? (value === null ? null : JSON.stringify(value)) : value);
    }
    sets.push('updated_at = ?');
    values.push(this.clock.now(), id);
    this.db.prepare(`UPDATE payments SET ${sets.join(', ')} WHERE id = ?`).run(...values);
    return this.get(id)!;
  }

  updateAllocation(paymentId: string, seq: number, patch: AllocationPatch): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof AllocationPatch, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${ALLOCATION_COLUMNS[key]} = ?`);
      values.push(key === 'outcome' ? (value === null ? null : JSON.stringify(value)) : key === 'attached' ? (value ? 1 : 0) : value);
    }
    if (sets.length === 0) return;
    sets.push('updated_at = ?');
    values.push(this.clock.now(), paymentId, seq);
    this.db.prepare(`UPDATE payment_allocations SET ${sets.join(', ')} WHERE payment_id = ? AND seq = ?`).run(...values);
  }

  /**
   * Moves a payment from one of `from` to `to` in one statement: the claim that lets exactly one
   * caller start a step. Returns false when the payment was not in one of `from`.
   */
  claim(id: string, from: readonly PaymentStatus[], to: PaymentStatus): boolean {
    const r = this.db
      .prepare(`UPDATE payments SET status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`)
      .run(to, this.clock.now(), id, ...from);
    return r.changes === 1;
  }

  /** Stores the next money-moving step and its idempotency key, before the request. */
  beginStep(
    paymentId: string,
    input: { kind: string; seq: number | null; amount: number; paymentMethodId?: string | null; createParams?: string | null },
  ): Step {
    return this.db.transaction((): Step => {
      const payment = this.db.prepare<[string], { key_base: string }>('SELECT key_base FROM payments WHERE id = ?').get(paymentId);
      if (!payment) throw new Error(`no payment ${paymentId}`);
      const last = this.db
        .prepare<[string], { n: number | null }>('SELECT MAX(step) AS n FROM payment_steps WHERE payment_id = ?')
        .get(paymentId);
      const step = (last?.n ?? 0) + 1;
      const idempotencyKey = `${payment.key_base}:${input.kind}:${step}`;
      this.db
        .prepare(
          `INSERT INTO payment_steps (payment_id, step, seq, kind, idempotency_key, amount, payment_method_id, create_params, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          paymentId,
          step,
          input.seq,
          input.kind,
          idempotencyKey,
          input.amount,
          input.paymentMethodId ?? null,
          input.createParams ?? null,
          this.clock.now(),
        );
      return {
        paymentId,
        step,
        seq: input.seq,
        kind: input.kind,
        idempotencyKey,
        amount: input.amount,
        paymentMethodId: input.paymentMethodId ?? null,
        createParams: input.createParams ?? null,
      };
    })();
  }

  /** Records how a step ended (`ref`: the Stripe object it made, e.g. the intent id). */
  finishStep(step: Pick<Step, 'paymentId' | 'step'>, result: string, ref: string | null = null): void {
    this.db
      .prepare(
        'UPDATE payment_steps SET result = ?, result_ref = COALESCE(?, result_ref), finished_at = ? WHERE payment_id = ? AND step = ?',
      )
      .run(result, ref, this.clock.now(), step.paymentId, step.step);
  }

  /** Steps begun but never finished (a crash or a lost answer): reconciled before anything else. */
  unfinishedSteps(paymentId?: string): Step[] {
    const rows = paymentId
      ? this.db
          .prepare<[string], StepRow>('SELECT * FROM payment_steps WHERE finished_at IS NULL AND payment_id = ? ORDER BY step')
          .all(paymentId)
      : this.db.prepare<[], StepRow>('SELECT * FROM payment_steps WHERE finished_at IS NULL ORDER BY created_at').all();
    return rows.map(toStep);
  }

  /** The intents this payment's steps made, with how each step ended (earlier tries' intents included). */
  stepIntents(paymentId: string): { seq: number | null; paymentIntentId: string; result: string | null }[] {
    return this.db
      .prepare<[string], { seq: number | null; result_ref: string; result: string | null }>(
        "SELECT seq, result_ref, result FROM payment_steps WHERE payment_id = ? AND result_ref LIKE 'pi_%' ORDER BY step",
      )
      .all(paymentId)
      .map((r) => ({ seq: r.seq, paymentIntentId: r.result_ref, result: r.result }));
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- queries ---------------------------------------------------------------------------------

  /** Payments of these ids that never settled and may be closed (opened, or declined and left). */
  unsettled(ids: readonly string[]): Payment[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare<string[], PaymentRow>(
        `SELECT * FROM payments WHERE status IN ('open', 'failed') AND id IN (${ids.map(() => '?').join(',')})`,
      )
      .all(...ids)
      .map((r) => this.toPayment(r));
  }

  /** A customer's payments waiting for a micro-deposit code, newest first. */
  pendingVerifications(customerId: string): Payment[] {
    return this.db
      .prepare<[string], PaymentRow>(
        "SELECT * FROM payments WHERE customer_id = ? AND status = 'requires_verification' ORDER BY created_at DESC",
      )
      .all(customerId)
      .map((r) => this.toPayment(r));
  }

  /** Card-present payments that never reached an end (a restart mid-payment, a lost answer). */
  unsettledCard(): Payment[] {
    return this.db
      .prepare<[], PaymentRow>(
        "SELECT * FROM payments WHERE tender IN ('reader', 'reader_js') AND status IN ('sending', 'waiting_for_card', 'capturing') ORDER BY created_at",
      )
      .all()
      .map((r) => this.toPayment(r));
  }

  /** An invoice's card-present payments, oldest first. */
  cardForInvoice(invoiceId: string): Payment[] {
    return this.db
      .prepare<[string], PaymentRow>(
        `SELECT p.* FROM payments p JOIN payment_allocations a ON a.payment_id = p.id
         WHERE p.tender IN ('reader', 'reader_js') AND a.invoice_id = ? ORDER BY p.created_at`,
      )
      .all(invoiceId)
      .map((r) => this.toPayment(r));
  }

  /** A customer's cash and checks not yet at Stripe (waiting in the queue, or stopped for review), newest first. */
  unsentOffline(customerId: string): Payment[] {
    return this.db
      .prepare<[string], PaymentRow>(
        "SELECT * FROM payments WHERE customer_id = ? AND tender IN ('cash', 'check') AND status IN ('queued', 'needs_review') ORDER BY created_at DESC",
      )
      .all(customerId)
      .map((r) => this.toPayment(r));
  }

  /**
   * What this station has taken for an invoice that Stripe does not know yet (queued cash, checks and
   * saved-method charges): the invoice's balance at Stripe is that much too high.
   */
  waitingFor(invoiceId: string, exceptPaymentId = ''): number {
    return (
      this.db
        .prepare<[string, string], { n: number | null }>(
          `SELECT SUM(a.amount) AS n FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
           WHERE a.invoice_id = ? AND p.id <> ? AND p.status = 'queued' AND a.status IN ('pending', 'sending', 'unknown')`,
        )
        .get(invoiceId, exceptPaymentId)?.n ?? 0
    );
  }

  /** Created in [fromMs, toMs), oldest first. */
  createdBetween(fromMs: number, toMs: number, tenders?: readonly Tender[]): Payment[] {
    const rows = tenders
      ? this.db
          .prepare<unknown[], PaymentRow>(
            `SELECT * FROM payments WHERE created_at >= ? AND created_at < ? AND tender IN (${tenders.map(() => '?').join(',')}) ORDER BY created_at`,
          )
          .all(fromMs, toMs, ...tenders)
      : this.db
          .prepare<[number, number], PaymentRow>('SELECT * FROM payments WHERE created_at >= ? AND created_at < ? ORDER BY created_at')
          .all(fromMs, toMs);
    return rows.map((r) => this.toPayment(r));
  }

  private allocations(paymentId: string): Allocation[] {
    return this.db
      .prepare<[string], AllocationRow>('SELECT * FROM payment_allocations WHERE payment_id = ? ORDER BY seq')
      .all(paymentId)
      .map((a) => ({
        paymentId: a.payment_id,
        seq: a.seq,
        invoiceId: a.invoice_id,
        invoiceNumber: a.invoice_number,
        invoiceRemaining: a.invoice_remaining,
        amount: a.amount,
        status: a.status,
        paymentIntentId: a.payment_intent_id,
        paymentRecordId: a.payment_record_id,
        attached: a.attached === 1,
        outcome: parse<PaymentOutcome>(a.outcome_json),
      }));
  }

  private toPayment(r: PaymentRow): Payment {
    const allocations = this.allocations(r.id);
    return {
      id: r.id,
      channel: r.channel,
      tender: r.tender,
      customerId: r.customer_id,
      currency: r.currency,
      amount: r.amount,
      keyBase: r.key_base,
      status: r.status,
      stationId: r.station_id,
      staffId: r.staff_id,
      readerId: r.reader_id,
      checkNumber: r.check_number,
      outboxId: r.outbox_id,
      creditId: r.credit_id,
      method: parse<MethodSummary>(r.method_json),
      receipt: parse<unknown>(r.receipt_json),
      code: r.code,
      message: r.message,
      outcome: parse<PaymentOutcome>(r.outcome_json),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      onAccount: allocations.length === 1 && allocations[0]!.invoiceId === null,
      allocations,
    };
  }
}

function toStep(r: StepRow): Step {
  return {
    paymentId: r.payment_id,
    step: r.step,
    seq: r.seq,
    kind: r.kind,
    idempotencyKey: r.idempotency_key,
    amount: r.amount,
    paymentMethodId: r.payment_method_id,
    createParams: r.create_params,
  };
}
