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
import { formatMoney, MAX_AMOUNT_MINOR } from '../../../shared/money';
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
  gateway: { retrieveInvoice(id: string): Promise<Invoice | null>; retrieveCustomer(id: string): Promise<Customer | null> };
  terminalGateway: Pick<
    TerminalGateway,
    'reportOfflinePayment' | 'attachRecordToInvoice' | 'adjustCustomerBalance' | 'findBalanceTransaction'
  >;
  stationId: () => string;
  staffName?: (id: string) => string | null;
}

const PAYABLE = new Set(['open', 'overdue', 'partially_paid']);
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
    const { value: invoice } = await onlineOr(
      () => this.deps.gateway.retrieveInvoice(input.invoiceId),
      () => this.deps.localStore.getInvoice(input.invoiceId),
    );
    if (!invoice) throw new AppError('not_found', 'That invoice was not found.');
    if (!PAYABLE.has(invoice.status) || invoice.amountRemaining <= 0)
      throw new AppError('invalid_request', 'This invoice has nothing left to pay.', 'invoiceId');
    if (input.amount > invoice.amountRemaining) {
      throw new AppError(
        'invalid_request',
        `The amount is more than what is left on this invoice (${formatMoney(invoice.amountRemaining, invoice.currency)}).`,
        'amount',
      );
    }
    if (kind === 'check' && !input.checkNumber) throw new AppError('invalid_request', 'Enter the check number.', 'checkNumber');
    return this.commit(
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
    );
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
      throw new AppError('invalid_request', 'Enter an amount of more than zero, in dollars and cents.', 'amount');
    }
    if (kind === 'check' && !input.checkNumber) throw new AppError('invalid_request', 'Enter the check number.', 'checkNumber');
    const { value: customer } = await onlineOr(
      () => this.deps.gateway.retrieveCustomer(input.customerId),
      () => this.deps.localStore.getCustomer(input.customerId),
    );
    if (!customer) throw new AppError('not_found', 'That customer was not found.', 'customerId');
    return this.commit(
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
    );
  }

  /** One commit: the queue item (with its key) and the desk's record of the money in the drawer; then the queue is drained. */
  private async commit(
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
  ): Promise<OfflineAnswer> {
    const { db, clock, outbox, ledger, audit } = this.deps;
    const paymentId = newDeskPaymentId();
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
    await outbox.drain().catch(() => undefined);
    return this.answer(item.id);
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
    const { ledger, terminalGateway, audit } = this.deps;
    const p = item.payload as OfflinePayload;
    const row = ledger.get(p.paymentId);
    try {
      let recordId = row?.paymentRecordId ?? null;
      if (!recordId) {
        // Before anything is recorded: is the money still owed? (Paid elsewhere meanwhile: nothing is written.)
        if (p.invoiceId) {
          const inv = await this.deps.gateway.retrieveInvoice(p.invoiceId);
          if (!inv || !PAYABLE.has(inv.status) || inv.amountRemaining < p.amount) return this.review(item, p, PAID_ELSEWHERE);
        }
        recordId = await terminalGateway.reportOfflinePayment(
          {
            amount: p.amount,
            currency: p.currency,
            customerId: p.customerId,
            initiatedAt: p.takenAt,
            displayName: p.checkNumber ? `Check #${p.checkNumber}` : 'Cash',
            metadata: {
              station_id: p.stationId,
              staff_id: p.staffId,
              desk_payment_id: p.paymentId,
              method: item.kind,
              taken_at: String(p.takenAt),
              ...(p.invoiceId ? { invoice_id: p.invoiceId } : { on_account: 'true' }),
              ...(p.staffName ? { staff_name: p.staffName.slice(0, 500) } : {}),
              ...(p.checkNumber ? { check_number: p.checkNumber } : {}),
            },
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
