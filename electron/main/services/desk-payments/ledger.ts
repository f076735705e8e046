import type { TerminalReceipt } from '../terminal/terminal-service';
/**
 * The desk's own record of every payment taken at the counter (card-present, cash, check). A row,
 * with the idempotency key base its requests will use, is committed before the first request.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';

export type DeskPaymentKind = 'card_present' | 'cash' | 'check';
export type DeskPaymentStatus =
  'starting' | 'waiting_for_card' | 'capturing' | 'succeeded' | 'failed' | 'canceled' | 'unknown' | 'queued' | 'needs_review';

export type EmvFields = TerminalReceipt;

export interface DeskPayment {
  id: string;
  kind: DeskPaymentKind;
  keyBase: string;
  customerId: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  amount: number;
  currency: string;
  staffId: string;
  stationId: string;
  readerId: string | null;
  checkNumber: string | null;
  outboxId: string | null;
  status: DeskPaymentStatus;
  paymentIntentId: string | null;
  paymentRecordId: string | null;
  /** true once the money is applied: attached to the invoice, or (on account) credited to the customer's balance. */
  attached: boolean;
  /** On account (no invoice): the customer balance transaction that credited it. */
  creditId: string | null;
  brand: string | null;
  last4: string | null;
  receipt: EmvFields | null;
  code: string | null;
  message: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  kind: DeskPaymentKind;
  key_base: string;
  customer_id: string;
  invoice_id: string | null;
  invoice_number: string | null;
  amount: number;
  currency: string;
  staff_id: string;
  station_id: string;
  reader_id: string | null;
  check_number: string | null;
  outbox_id: string | null;
  status: DeskPaymentStatus;
  payment_intent_id: string | null;
  payment_record_id: string | null;
  attached: number;
  credit_id: string | null;
  brand: string | null;
  last4: string | null;
  receipt_json: string | null;
  code: string | null;
  message: string | null;
  created_at: number;
  updated_at: number;
}

export type NewDeskPayment = Pick<
  DeskPayment,
  'kind' | 'customerId' | 'invoiceId' | 'invoiceNumber' | 'amount' | 'currency' | 'staffId' | 'stationId'
> &
  Partial<Pick<DeskPayment, 'readerId' | 'checkNumber' | 'outboxId' | 'status'>> & { id?: string; keyBase?: string };

export type DeskPaymentPatch = Partial<
  Pick<
    DeskPayment,
    | 'status'
    | 'paymentIntentId'
    | 'paymentRecordId'
    | 'attached'
    | 'creditId'
    | 'brand'
    | 'last4'
    | 'receipt'
    | 'code'
    | 'message'
    | 'outboxId'
  >
>;

const COLUMNS: Record<keyof DeskPaymentPatch, string> = {
  status: 'status',
  paymentIntentId: 'payment_intent_id',
  paymentRecordId: 'payment_record_id',
  attached: 'attached',
  creditId: 'credit_id',
  brand: 'brand',
  last4: 'last4',
  receipt: 'receipt_json',
  code: 'code',
  message: 'message',
  outboxId: 'outbox_id',
};

export const newDeskPaymentId = (): string => `dp_${randomBytes(12).toString('hex')}`;

export class DeskLedger {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Commits the row (and its key base) before anything is sent. */
  create(input: NewDeskPayment): DeskPayment {
    const id = input.id ?? newDeskPaymentId();
    const now = this.clock.now();
    this.db
      .prepare(
        `INSERT INTO desk_payments (id, kind, key_base, customer_id, invoice_id, invoice_number, amount, currency, staff_id, station_id, reader_id, check_number, outbox_id, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.kind,
        input.keyBase ?? `desk:${id}`,
        input.customerId,
        input.invoiceId,
        input.invoiceNumber,
        input.amount,
        input.currency,
        input.staffId,
        input.stationId,
        input.readerId ?? null,
        input.checkNumber ?? null,
        input.outboxId ?? null,
        input.status ?? 'starting',
        now,
        now,
      );
    return this.get(id)!;
  }

  get(id: string): DeskPayment | null {
    const row = this.db.prepare<[string], Row>('SELECT * FROM desk_payments WHERE id = ?').get(id);
    return row ? toPayment(row) : null;
  }

  byIntent(paymentIntentId: string): DeskPayment | null {
    const row = this.db.prepare<[string], Row>('SELECT * FROM desk_payments WHERE payment_intent_id = ?').get(paymentIntentId);
    return row ? toPayment(row) : null;
  }

  byOutbox(outboxId: string): DeskPayment | null {
    const row = this.db.prepare<[string], Row>('SELECT * FROM desk_payments WHERE outbox_id = ?').get(outboxId);
    return row ? toPayment(row) : null;
  }

  update(id: string, patch: DeskPaymentPatch): DeskPayment {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof DeskPaymentPatch, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${COLUMNS[key]} = ?`);
      values.push(key === 'receipt' ? (value === null ? null : JSON.stringify(value)) : key === 'attached' ? (value ? 1 : 0) : value);
    }
    sets.push('updated_at = ?');
    values.push(this.clock.now(), id);
    this.db.prepare(`UPDATE desk_payments SET ${sets.join(', ')} WHERE id = ?`).run(...values);
    return this.get(id)!;
  }

  /** Card payments that never reached an end (a restart mid-payment, a lost answer). */
  unsettledCard(): DeskPayment[] {
    return this.db
      .prepare<[], Row>(
        "SELECT * FROM desk_payments WHERE kind = 'card_present' AND status IN ('starting', 'waiting_for_card', 'capturing') ORDER BY created_at",
      )
      .all()
      .map(toPayment);
  }

  /** An invoice's card-present payments, oldest first. */
  cardForInvoice(invoiceId: string): DeskPayment[] {
    return this.db
      .prepare<[string], Row>("SELECT * FROM desk_payments WHERE kind = 'card_present' AND invoice_id = ? ORDER BY created_at")
      .all(invoiceId)
      .map(toPayment);
  }

  /** Created in [fromMs, toMs). */
  /** A customer's cash and checks not yet at Stripe (waiting in the queue, or stopped for review), newest first. */
  unsentOffline(customerId: string): DeskPayment[] {
    return this.db
      .prepare<[string], Row>(
        "SELECT * FROM desk_payments WHERE customer_id = ? AND kind IN ('cash', 'check') AND status IN ('queued', 'needs_review') ORDER BY created_at DESC",
      )
      .all(customerId)
      .map(toPayment);
  }

  createdBetween(fromMs: number, toMs: number): DeskPayment[] {
    return this.db
      .prepare<[number, number], Row>('SELECT * FROM desk_payments WHERE created_at >= ? AND created_at < ? ORDER BY created_at')
      .all(fromMs, toMs)
      .map(toPayment);
  }
}

function toPayment(r: Row): DeskPayment {
  return {
    id: r.id,
    kind: r.kind,
    keyBase: r.key_base,
    customerId: r.customer_id,
    invoiceId: r.invoice_id,
    invoiceNumber: r.invoice_number,
    amount: r.amount,
    currency: r.currency,
    staffId: r.staff_id,
    stationId: r.station_id,
    readerId: r.reader_id,
    checkNumber: r.check_number,
    outboxId: r.outbox_id,
    status: r.status,
    paymentIntentId: r.payment_intent_id,
    paymentRecordId: r.payment_record_id,
    attached: r.attached === 1,
    creditId: r.credit_id,
    brand: r.brand,
    last4: r.last4,
    receipt: r.receipt_json ? (JSON.parse(r.receipt_json) as EmvFields) : null,
    code: r.code,
    message: r.message,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
