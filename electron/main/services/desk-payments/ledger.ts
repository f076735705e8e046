/**
 * The desk's view of the payment ledger (services/payments/ledger.ts): a payment taken at the counter
 * (card on the reader, cash, check) with its one allocation (an invoice, or none: on account) read as
 * one record. The row, with the idempotency key base its requests use, is committed before the first
 * request. Same table, same status enum as every other payment.
 */
import type { TerminalReceipt } from '../terminal/terminal-service';
import type { MethodSummary } from '../../../shared/contract';
import { newPaymentId, type Payment, type PaymentLedger, type PaymentStatus, type Tender } from '../payments/ledger';

export type DeskPaymentKind = 'card_present' | 'cash' | 'check';
export type DeskPaymentStatus = Extract<
  PaymentStatus,
  'sending' | 'waiting_for_card' | 'capturing' | 'succeeded' | 'failed' | 'canceled' | 'unknown' | 'queued' | 'needs_review'
>;

export type EmvFields = TerminalReceipt;

export interface DeskPayment {
  id: string;
  kind: DeskPaymentKind;
  tender: Tender;
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

export type NewDeskPayment = Pick<
  DeskPayment,
  'kind' | 'customerId' | 'invoiceId' | 'invoiceNumber' | 'amount' | 'currency' | 'staffId' | 'stationId'
> &
  Partial<Pick<DeskPayment, 'readerId' | 'checkNumber' | 'outboxId' | 'status'>> & { id?: string; keyBase?: string; tender?: Tender };

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

export const newDeskPaymentId = (): string => newPaymentId('dp');

const kindOf = (tender: Tender): DeskPaymentKind => (tender === 'cash' || tender === 'check' ? tender : 'card_present');

export function toDeskPayment(p: Payment): DeskPayment {
  const a = p.allocations[0];
  const tender = p.tender ?? 'reader';
  return {
    id: p.id,
    kind: kindOf(tender),
    tender,
    keyBase: p.keyBase,
    customerId: p.customerId,
    invoiceId: a?.invoiceId ?? null,
    invoiceNumber: a?.invoiceNumber ?? null,
    amount: p.amount,
    currency: p.currency,
    staffId: p.staffId ?? '',
    stationId: p.stationId,
    readerId: p.readerId,
    checkNumber: p.checkNumber,
    outboxId: p.outboxId,
    status: p.status as DeskPaymentStatus,
    paymentIntentId: a?.paymentIntentId ?? null,
    paymentRecordId: a?.paymentRecordId ?? null,
    attached: a?.attached ?? false,
    creditId: p.creditId,
    brand: p.method?.brand ?? null,
    last4: p.method?.last4 ?? null,
    receipt: (p.receipt as EmvFields | null) ?? null,
    code: p.code,
    message: p.message,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

const methodOf = (kind: DeskPaymentKind, brand: string | null, last4: string | null): MethodSummary => ({
  type: kind,
  brand: kind === 'card_present' ? brand : null,
  last4: kind === 'card_present' ? last4 : null,
  bankName: null,
  expMonth: null,
  expYear: null,
});

export class DeskLedger {
  constructor(private readonly ledger: PaymentLedger) {}

  /** Commits the row (and its key base) before anything is sent. */
  create(input: NewDeskPayment): DeskPayment {
    const tender: Tender = input.tender ?? (input.kind === 'card_present' ? 'reader' : input.kind);
    const id = input.id ?? newDeskPaymentId();
    const p = this.ledger.create({
      id,
      channel: 'desk',
      tender,
      customerId: input.customerId,
      currency: input.currency,
      amount: input.amount,
      keyBase: input.keyBase ?? `desk:${id}`,
      status: input.status ?? 'sending',
      stationId: input.stationId,
      staffId: input.staffId,
      readerId: input.readerId ?? null,
      checkNumber: input.checkNumber ?? null,
      outboxId: input.outboxId ?? null,
      allocations: [
        { invoiceId: input.invoiceId, invoiceNumber: input.invoiceNumber, invoiceRemaining: input.amount, amount: input.amount },
      ],
    });
    this.ledger.update(p.id, { method: methodOf(input.kind, null, null) });
    return this.get(p.id)!;
  }

  get(id: string): DeskPayment | null {
    const p = this.ledger.get(id);
    return p && p.channel === 'desk' ? toDeskPayment(p) : null;
  }

  byIntent(paymentIntentId: string): DeskPayment | null {
    const p = this.ledger.byIntent(paymentIntentId);
    return p && p.channel === 'desk' ? toDeskPayment(p) : null;
  }

  byOutbox(outboxId: string): DeskPayment | null {
    const p = this.ledger.byOutbox(outboxId);
    return p && p.channel === 'desk' ? toDeskPayment(p) : null;
  }

  update(id: string, patch: DeskPaymentPatch): DeskPayment {
    return this.ledger.atomically(() => {
      const current = this.get(id);
      if (!current) throw new Error(`no desk payment ${id}`);
      const { status, paymentIntentId, paymentRecordId, attached, creditId, brand, last4, receipt, code, message, outboxId } = patch;
      this.ledger.update(id, {
        status,
        creditId,
        receipt,
        code,
        message,
        outboxId,
        ...(brand !== undefined || last4 !== undefined
          ? { method: methodOf(current.kind, brand ?? current.brand, last4 ?? current.last4) }
          : {}),
      });
      this.ledger.updateAllocation(id, 1, {
        paymentIntentId,
        paymentRecordId,
        attached,
        ...(status ? { status: allocationStatus(status) } : {}),
      });
      return this.get(id)!;
    });
  }

  /** Card payments that never reached an end (a restart mid-payment, a lost answer). */
  unsettledCard(): DeskPayment[] {
    return this.ledger.unsettledCard().map(toDeskPayment);
  }

  /** An invoice's card-present payments, oldest first. */
  cardForInvoice(invoiceId: string): DeskPayment[] {
    return this.ledger.cardForInvoice(invoiceId).map(toDeskPayment);
  }

  /** A customer's cash and checks not yet at Stripe (waiting in the queue, or stopped for review), newest first. */
  unsentOffline(customerId: string): DeskPayment[] {
    return this.ledger.unsentOffline(customerId).map(toDeskPayment);
  }

  /** Desk payments created in [fromMs, toMs). */
  createdBetween(fromMs: number, toMs: number): DeskPayment[] {
    return this.ledger
      .createdBetween(fromMs, toMs, ['reader', 'reader_js', 'cash', 'check'])
      .filter((p) => p.channel === 'desk')
      .map(toDeskPayment);
  }

  /** Cash and checks taken at the desk of one station in [fromMs, toMs) (what the station's cash drawer holds). */
  tenderAtStation(stationId: string, fromMs: number, toMs: number): DeskPayment[] {
    return this.ledger
      .createdBetween(fromMs, toMs, ['cash', 'check'])
      .filter((p) => p.channel === 'desk' && p.stationId === stationId)
      .map(toDeskPayment);
  }
}

function allocationStatus(status: DeskPaymentStatus) {
  switch (status) {
    case 'succeeded':
    case 'failed':
    case 'canceled':
    case 'unknown':
      return status;
    case 'capturing':
      return 'authorized' as const;
    case 'queued':
    case 'needs_review':
      return 'pending' as const;
    case 'sending':
    case 'waiting_for_card':
      return 'sending' as const;
  }
}
