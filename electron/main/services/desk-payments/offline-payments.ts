/**
 * Cash and check taken at the desk. Always through the outbox: the item (and its idempotency key)
 * and the ledger row are committed together, then the queue is drained at once. Online the answer is
 * `sent`; offline the item waits and is sent exactly once later. At Stripe each one becomes a
 * guaranteed payment record attached to the invoice, with keys derived from the outbox item's key.
 */
import type { Invoice } from '../../../shared/contract';
import { formatMoney } from '../../../shared/money';
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
  invoiceId: string;
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
  gateway: { retrieveInvoice(id: string): Promise<Invoice | null> };
  terminalGateway: Pick<TerminalGateway, 'reportOfflinePayment' | 'attachRecordToInvoice'>;
  stationId: () => string;
  staffName?: (id: string) => string | null;
}

const PAYABLE = new Set(['open', 'overdue', 'partially_paid']);
export const PAID_ELSEWHERE = 'Nothing recorded: the invoice was paid or changed meanwhile, and this amount is more than what is left. Check with the customer.';

export class OfflinePayments {
  constructor(private readonly deps: OfflinePaymentsDeps) {}

  async record(kind: 'cash' | 'check', input: { invoiceId: string; amount: number; checkNumber?: string }, staffId: string): Promise<OfflineAnswer> {
    const { db, clock, outbox, ledger, audit } = this.deps;
    const { value: invoice } = await onlineOr(
      () => this.deps.gateway.retrieveInvoice(input.invoiceId),
      () => this.deps.localStore.getInvoice(input.invoiceId),
    );
    if (!invoice) throw new AppError('not_found', 'That invoice was not found.');
    if (!PAYABLE.has(invoice.status) || invoice.amountRemaining <= 0) throw new AppError('invalid_request', 'This invoice has nothing left to pay.', 'invoiceId');
    if (input.amount > invoice.amountRemaining) {
      throw new AppError('invalid_request', `The amount is more than what is left on this invoice (${formatMoney(invoice.amountRemaining, invoice.currency)}).`, 'amount');
    }
    if (kind === 'check' && !input.checkNumber) throw new AppError('invalid_request', 'Enter the check number.', 'checkNumber');
    const paymentId = newDeskPaymentId();
    const payload: OfflinePayload = {
      paymentId, invoiceId: invoice.id, invoiceNumber: invoice.number, customerId: invoice.customerId, amount: input.amount, currency: invoice.currency,
      checkNumber: kind === 'check' ? input.checkNumber! : null, staffId, staffName: this.deps.staffName?.(staffId) ?? null, stationId: this.deps.stationId(), takenAt: Math.floor(clock.now() / 1000),
    };
    // One commit: the queue item (with its key) and the desk's record of the money in the drawer.
    const item = db.transaction(() => {
      const queued = outbox.enqueue({
        kind, customerId: invoice.customerId, payload, amount: input.amount, currency: invoice.currency, createdBy: staffId, stationId: payload.stationId,
      });
      ledger.create({
        id: paymentId, keyBase: queued.idempotencyKey, kind, customerId: invoice.customerId, invoiceId: invoice.id, invoiceNumber: invoice.number,
        amount: input.amount, currency: invoice.currency, staffId, stationId: payload.stationId, checkNumber: payload.checkNumber, outboxId: queued.id, status: 'queued',
      });
      audit.record({
        action: kind === 'cash' ? 'cash.recorded' : 'check.recorded', staffId, subjectId: paymentId, amount: input.amount, currency: invoice.currency,
        detail: { invoiceId: invoice.id, queueId: queued.id, ...(payload.checkNumber ? { checkNumber: payload.checkNumber } : {}) },
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
        status === 'sent' ? null
        : status === 'review' ? (item.reviewReason ?? 'This payment needs a manager to look at it.')
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
        const inv = await this.deps.gateway.retrieveInvoice(p.invoiceId);
        if (!inv || !PAYABLE.has(inv.status) || inv.amountRemaining < p.amount) return this.review(item, p, PAID_ELSEWHERE);
        recordId = await terminalGateway.reportOfflinePayment(
          {
            amount: p.amount, currency: p.currency, customerId: p.customerId, initiatedAt: p.takenAt,
            displayName: p.checkNumber ? `Check #${p.checkNumber}` : 'Cash',
            metadata: {
              station_id: p.stationId, staff_id: p.staffId, invoice_id: p.invoiceId, desk_payment_id: p.paymentId, method: item.kind, taken_at: String(p.takenAt),
              ...(p.staffName ? { staff_name: p.staffName.slice(0, 500) } : {}),
              ...(p.checkNumber ? { check_number: p.checkNumber } : {}),
            },
            ...(p.checkNumber ? { reference: p.checkNumber } : {}),
          },
          { idempotencyKey: `${item.idempotencyKey}:record` },
        );
        ledger.update(p.paymentId, { paymentRecordId: recordId });
      }
      try {
        await terminalGateway.attachRecordToInvoice(p.invoiceId, recordId, { idempotencyKey: `${item.idempotencyKey}:attach` });
      } catch (err) {
        if (err instanceof GatewayError && (err.kind === 'invalid' || err.kind === 'idempotency')) {
          return this.review(item, p, `Recorded at Stripe (${recordId}) but not credited to the invoice: ${err.message}. Check the invoice with a manager.`);
        }
        throw err;
      }
      ledger.update(p.paymentId, { status: 'succeeded', attached: true, message: null });
      // Into this station's local copy now (the sync brings the same record, by the same id, to every station).
      this.deps.localStore.upsertPayments([
        {
          id: recordId, customerId: p.customerId, invoiceId: p.invoiceId, amount: p.amount, currency: p.currency, status: 'succeeded',
          method: { type: item.kind === 'check' ? 'check' : 'cash' }, created: p.takenAt, stationId: p.stationId, staffId: p.staffId,
        },
      ]);
      audit.record({ action: 'offline.sent', staffId: p.staffId, subjectId: recordId, amount: p.amount, currency: p.currency, detail: { paymentId: p.paymentId, queueId: item.id } });
      return { kind: 'sent', result: { paymentRecordId: recordId } };
    } catch (err) {
      if (err instanceof GatewayError && err.retryable) return { kind: 'retry', error: 'Stripe could not be reached (offline); will send again.' };
      const message = err instanceof Error ? err.message : String(err);
      return this.review(item, p, `Stripe refused this payment record: ${message}`);
    }
  }

  private review(item: OutboxItem, p: OfflinePayload, reason: string): SendResult {
    this.deps.ledger.update(p.paymentId, { status: 'needs_review', message: reason });
    this.deps.audit.record({ action: 'offline.review', staffId: p.staffId, subjectId: p.paymentId, amount: p.amount, currency: p.currency, detail: { queueId: item.id, reason } });
    return { kind: 'review', reason };
  }
}
