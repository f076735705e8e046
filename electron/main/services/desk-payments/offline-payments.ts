/**
 * Cash and check taken at the desk. Always through the outbox: the item (and its idempotency key)
 * and the ledger row are committed together, then the queue is drained at once. Online the answer is
 * `sent`; offline the item waits and is sent exactly once later. At Stripe each one becomes a
 * guaranteed payment record attached to the invoice, with keys derived from the outbox item's key.
 * A payment on account (no invoice) becomes a payment record for the customer, then a credit to the
 * customer's balance (a customer balance transaction, `:credit` key) that Stripe applies to their
 * next invoice.
 */
import type { Customer, Invoice } from '../../../shared/contract';
import { MAX_AMOUNT_MINOR } from '../../../shared/money';
import { checkPayAmount, isPayable } from '../../../shared/payment-rules';
import { staffNameValue, writeRecordMetadata } from '../../../shared/stripe-metadata';
import type { GuardedInvoice } from '../../stripe/gateway';
import { claimInvoice, heldByOthers, type InvoiceClaims } from '../payments/invoice-guard';
import type { Db } from '../../db/connection';
import { GatewayError } from '../../stripe/errors';
import type { TerminalGateway } from '../../stripe/terminal-gateway';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { LocalStore } from '../local-store/local-store';
import { onlineOr } from '../offline';
import type { Outbox, OutboxHandler, OutboxItem, SendResult } from '../outbox/outbox';
import { newDeskPaymentId, type DeskLedger } from './ledger';

export interface OfflinePayload {
  paymentId: string;
  /** null: a payment on account, credited to the customer's balance. */
  invoiceId: string | null;
  invoiceNumber: string | null;
  customerId: string;
  amount: number;
  currency: string;
  checkNumber: string | null;
  staffId: string;
  /** Shown on other stations' office reports, which do not know this station's staff. */
  staffName?: string | null;
  stationId: string;
  /** Unix seconds: when the money was handed over. */
  takenAt: number;
}

export interface OfflineAnswer {
  paymentId: string;
  queueId: string;
  status: 'sent' | 'queued' | 'review';
  amount: number;
  currency: string;
  message: string | null;
}

export interface OfflinePaymentsDeps {
  db: Db;
  clock: Clock;
  outbox: Outbox;
  ledger: DeskLedger;
  audit: AuditLog;
  localStore: LocalStore;
  gateway: {
    retrieveInvoice(id: string): Promise<Invoice | null>;
    retrieveCustomer(id: string): Promise<Customer | null>;
    guardedInvoice(id: string): Promise<GuardedInvoice | null>;
  };
  /** This station's per-invoice claims: no other payment takes money for the invoice while this one is checked or sent. */
  claims: InvoiceClaims;
  /** What this station has queued for an invoice that Stripe does not know yet (not counting one payment). */
  waitingFor: (invoiceId: string, exceptPaymentId: string) => number;
  terminalGateway: Pick<
    TerminalGateway,
    'reportOfflinePayment' | 'attachRecordToInvoice' | 'adjustCustomerBalance' | 'findBalanceTransaction'
  >;
  stationId: () => string;
  staffName?: (id: string) => string | null;
}

/** The currency of payments on account (the business's; invoices carry their own). */
export const ON_ACCOUNT_CURRENCY = 'usd';
const onAccountDescription = (p: Pick<OfflinePayload, 'checkNumber'>): string =>
  p.checkNumber ? `Payment on account (check #${p.checkNumber})` : 'Payment on account (cash)';
export const PAID_ELSEWHERE =
  'Nothing recorded: the invoice was paid or changed meanwhile, and this amount is more than what is left. Check with the customer.';

export class OfflinePayments {
  constructor(private readonly deps: OfflinePaymentsDeps) {}

  async record(
    kind: 'cash' | 'check',
    input: { invoiceId: string; amount: number; checkNumber?: string },
    staffId: string,
  ): Promise<OfflineAnswer> {
    if (kind === 'check' && !input.checkNumber) throw AppError.because('check_number_required', { field: 'checkNumber' });
    const paymentId = newDeskPaymentId();
    // One payment at a time per invoice on this station (a kiosk card payment for it waits, or this does).
    const release = claimInvoice(this.deps.claims, input.invoiceId, paymentId);
    let queueId: string;
    try {
      const { value: invoice } = await onlineOr(
        () => this.deps.gateway.retrieveInvoice(input.invoiceId),
        () => this.deps.localStore.getInvoice(input.invoiceId),
      );
      if (!invoice) throw AppError.because('invoice_not_found', { field: 'invoiceId' });
      if (!isPayable(invoice)) throw AppError.because('invoice_already_paid', { field: 'invoiceId' });
      const owed = invoice.amountRemaining - this.deps.waitingFor(invoice.id, paymentId);
      const refusal = checkPayAmount(input.amount, owed, invoice.currency, 'cash');
      if (refusal) throw AppError.because(refusal.reason, { params: refusal.params, field: 'amount' });
      queueId = this.commit(
        kind,
        {
          customerId: invoice.customerId,
          invoiceId: invoice.id,
          invoiceNumber: invoice.number,
          amount: input.amount,
          currency: invoice.currency,
          checkNumber: input.checkNumber ?? null,
        },
        staffId,
        paymentId,
      );
    } finally {
      release();
    }
    await this.deps.outbox.drain().catch(() => undefined);
    return this.answer(queueId);
  }

  /**
   * Cash or a check on account: no invoice; once sent, the customer's balance is credited with it and
   * Stripe applies the credit to their next invoice. Works offline like any cash (the customer from
   * Stripe, or the local copy when Stripe cannot be reached).
   */
  async recordOnAccount(
    kind: 'cash' | 'check',
    input: { customerId: string; amount: number; checkNumber?: string },
    staffId: string,
  ): Promise<OfflineAnswer> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_AMOUNT_MINOR) {
      throw AppError.because('amount_not_valid', { field: 'amount' });
    }
    if (kind === 'check' && !input.checkNumber) throw AppError.because('check_number_required', { field: 'checkNumber' });
    const { value: customer } = await onlineOr(
      () => this.deps.gateway.retrieveCustomer(input.customerId),
      () => this.deps.localStore.getCustomer(input.customerId),
    );
    if (!customer) throw AppError.because('customer_not_found', { field: 'customerId' });
    const queueId = this.commit(
      kind,
      {
        customerId: customer.id,
        invoiceId: null,
        invoiceNumber: null,
        amount: input.amount,
        currency: ON_ACCOUNT_CURRENCY,
        checkNumber: input.checkNumber ?? null,
      },
      staffId,
      newDeskPaymentId(),
    );
    await this.deps.outbox.drain().catch(() => undefined);
    return this.answer(queueId);
  }

  /** One commit: the queue item (with its key) and the desk's record of the money in the drawer. Returns the queue item's id. */
  private commit(
    kind: 'cash' | 'check',
    m: {
      customerId: string;
      invoiceId: string | null;
      invoiceNumber: string | null;
      amount: number;
      currency: string;
      checkNumber: string | null;
    },
    staffId: string,
    paymentId: string,
  ): string {
    const { db, clock, outbox, ledger, audit } = this.deps;
    const payload: OfflinePayload = {
      paymentId,
      invoiceId: m.invoiceId,
      invoiceNumber: m.invoiceNumber,
      customerId: m.customerId,
      amount: m.amount,
      currency: m.currency,
      checkNumber: kind === 'check' ? m.checkNumber : null,
      staffId,
      staffName: this.deps.staffName?.(staffId) ?? null,
      stationId: this.deps.stationId(),
      takenAt: Math.floor(clock.now() / 1000),
    };
    const item = db.transaction(() => {
      const queued = outbox.enqueue({
        kind,
        customerId: m.customerId,
        payload,
        amount: m.amount,
        currency: m.currency,
        createdBy: staffId,
        stationId: payload.stationId,
      });
      ledger.create({
        id: paymentId,
        keyBase: queued.idempotencyKey,
        kind,
        customerId: m.customerId,
        invoiceId: m.invoiceId,
        invoiceNumber: m.invoiceNumber,
        amount: m.amount,
        currency: m.currency,
        staffId,
        stationId: payload.stationId,
        checkNumber: payload.checkNumber,
        outboxId: queued.id,
        status: 'queued',
      });
      audit.record({
        action: kind === 'cash' ? 'cash.recorded' : 'check.recorded',
        staffId,
        subjectId: paymentId,
        amount: m.amount,
        currency: m.currency,
        detail: {
          ...(m.invoiceId ? { invoiceId: m.invoiceId } : { onAccount: true, customerId: m.customerId }),
          queueId: queued.id,
          ...(payload.checkNumber ? { checkNumber: payload.checkNumber } : {}),
        },
      });
      return queued;
    })();
    return item.id;
  }

  /** What the queue item came to so far, in the desk's words. */
  answer(queueId: string): OfflineAnswer {
    const item = this.deps.outbox.get(queueId)!;
    const p = item.payload as OfflinePayload;
    const status = item.state === 'succeeded' ? 'sent' : item.state === 'needs_review' || item.state === 'canceled' ? 'review' : 'queued';
    return {
      paymentId: p.paymentId,
      queueId: item.id,
      status,
      amount: p.amount,
      currency: p.currency,
      message:
        status === 'sent'
          ? null
          : status === 'review'
            ? (item.reviewReason ?? 'This payment needs a manager to look at it.')
            : 'Saved on this station. It will be sent to Stripe as soon as the connection is back.',
    };
  }

  /** The outbox sender for 'cash' and 'check'. */
  sender(): OutboxHandler {
    return { send: (item) => this.send(item) };
  }

  private async send(item: OutboxItem): Promise<SendResult> {
    const p = item.payload as OfflinePayload;
    // While another payment for the invoice is being taken on this station, this one waits its turn.
    const claim = p.invoiceId ? this.deps.claims.claim([p.invoiceId], p.paymentId) : null;
    if (claim && !claim.ok) return { kind: 'retry', error: 'Another payment for this invoice is being taken on this station.' };
    try {
      return await this.sendClaimed(item, p);
    } finally {
      if (claim?.ok) claim.release();
    }
  }

  private async sendClaimed(item: OutboxItem, p: OfflinePayload): Promise<SendResult> {
    const { ledger, terminalGateway, audit } = this.deps;
    const row = ledger.get(p.paymentId);
    try {
      let recordId = row?.paymentRecordId ?? null;
      if (!recordId) {
        // Before anything is recorded: is the money still owed, less what other payments (any station)
        // hold or move for the invoice right now? (Paid elsewhere meanwhile: nothing is written.)
        if (p.invoiceId) {
          const guarded = await this.deps.gateway.guardedInvoice(p.invoiceId);
          const nowSec = Math.floor(this.deps.clock.now() / 1000);
          const owed = guarded
            ? guarded.invoice.amountRemaining - heldByOthers(guarded, nowSec) - this.deps.waitingFor(p.invoiceId, p.paymentId)
            : 0;
          if (!guarded || !isPayable(guarded.invoice) || owed < p.amount) return this.review(item, p, PAID_ELSEWHERE);
        }
        recordId = await terminalGateway.reportOfflinePayment(
          {
            amount: p.amount,
            currency: p.currency,
            customerId: p.customerId,
            initiatedAt: p.takenAt,
            displayName: p.checkNumber ? `Check #${p.checkNumber}` : 'Cash',
            metadata: writeRecordMetadata({
              station_id: p.stationId,
              staff_id: p.staffId,
              staff_name: staffNameValue(p.staffName),
              desk_payment_id: p.paymentId,
              method: item.kind === 'check' ? 'check' : 'cash',
              taken_at: String(p.takenAt),
              invoice_id: p.invoiceId ?? undefined,
              on_account: p.invoiceId ? undefined : 'true',
              check_number: p.checkNumber ?? undefined,
            }),
            ...(p.checkNumber ? { reference: p.checkNumber } : {}),
          },
          { idempotencyKey: `${item.idempotencyKey}:record` },
        );
        ledger.update(p.paymentId, { paymentRecordId: recordId });
      }
      let creditId: string | null = null;
      try {
        if (p.invoiceId)
          await terminalGateway.attachRecordToInvoice(p.invoiceId, recordId, { idempotencyKey: `${item.idempotencyKey}:attach` });
        else creditId = row?.creditId ?? (await this.credit(item, p, recordId));
      } catch (err) {
        if (p.invoiceId && err instanceof GatewayError && err.kind === 'invalid' && (err.details.code ?? '').startsWith('invoice_')) {
          // The invoice was paid by another station between the check and the attach: the money is at Stripe
          // already, so it is credited to the customer's account (applied to their next invoice), never lost.
          const credit = row?.creditId ?? (await this.credit(item, p, recordId));
          ledger.update(p.paymentId, { creditId: credit });
          return this.review(
            item,
            p,
            `The invoice was paid elsewhere meanwhile, so this payment (${recordId}) was credited to the customer\u2019s account instead. Give the cash back or leave it on account.`,
          );
        }
        if (err instanceof GatewayError && (err.kind === 'invalid' || err.kind === 'idempotency' || err.kind === 'not_found')) {
          const where = p.invoiceId ? 'to the invoice' : 'to the customer\u2019s account';
          return this.review(
            item,
            p,
            `Recorded at Stripe (${recordId}) but not credited ${where}: ${err.message}. Check it with a manager.`,
          );
        }
        throw err;
      }
      ledger.update(p.paymentId, { status: 'succeeded', attached: true, ...(creditId ? { creditId } : {}), message: null });
      // Into this station's local copy now (the sync brings the same record, by the same id, to every station).
      this.deps.localStore.upsertPayments([
        {
          id: recordId,
          customerId: p.customerId,
          invoiceId: p.invoiceId,
          amount: p.amount,
          currency: p.currency,
          status: 'succeeded',
          method: { type: item.kind === 'check' ? 'check' : 'cash' },
          created: p.takenAt,
          stationId: p.stationId,
          staffId: p.staffId,
        },
      ]);
      audit.record({
        action: 'offline.sent',
        staffId: p.staffId,
        subjectId: recordId,
        amount: p.amount,
        currency: p.currency,
        detail: { paymentId: p.paymentId, queueId: item.id, ...(creditId ? { accountCreditId: creditId } : {}) },
      });
      return { kind: 'sent', result: { paymentRecordId: recordId, ...(creditId ? { accountCreditId: creditId } : {}) } };
    } catch (err) {
      if (err instanceof GatewayError && err.retryable)
        return { kind: 'retry', error: 'Stripe could not be reached (offline); will send again.' };
      const message = err instanceof Error ? err.message : String(err);
      return this.review(item, p, `Stripe refused this payment record: ${message}`);
    }
  }

  /**
   * Credits the customer's balance with a recorded payment on account, once: a credit already made
   * for this record (found by its metadata, even after Stripe pruned the key) is the answer; else it
   * is created under the item's `:credit` key. Its id is committed before the item is marked sent.
   */
  private async credit(item: OutboxItem, p: OfflinePayload, recordId: string): Promise<string> {
    const { terminalGateway, ledger } = this.deps;
    const earlier = await terminalGateway.findBalanceTransaction(p.customerId, 'payment_record', recordId, p.takenAt - 86_400);
    const credit =
      earlier ??
      (await terminalGateway.adjustCustomerBalance(
        p.customerId,
        {
          amount: -p.amount,
          currency: p.currency,
          description: onAccountDescription(p),
          metadata: {
            station_id: p.stationId,
            staff_id: p.staffId,
            desk_payment_id: p.paymentId,
            payment_record: recordId,
            method: item.kind,
          },
        },
        { idempotencyKey: `${item.idempotencyKey}:credit` },
      ));
    ledger.update(p.paymentId, { creditId: credit.id });
    try {
      // The balance as of the credit's time at Stripe: a newer one the sync brought is never overwritten.
      this.deps.localStore.setCustomerBalance(
        p.customerId,
        { amount: credit.endingBalance, currency: credit.currency },
        credit.created * 1000,
      );
    } catch {
      // The local copy is a convenience; the sync brings the balance too.
    }
    return credit.id;
  }

  private review(item: OutboxItem, p: OfflinePayload, reason: string): SendResult {
    this.deps.ledger.update(p.paymentId, { status: 'needs_review', message: reason });
    this.deps.audit.record({
      action: 'offline.review',
      staffId: p.staffId,
      subjectId: p.paymentId,
      amount: p.amount,
      currency: p.currency,
      detail: { queueId: item.id, reason },
    });
    return { kind: 'review', reason };
  }
}
