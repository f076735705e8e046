/**
 * Receipts for payments made at the customer kiosk, from the ledger payment's stored outcome (so a
 * queued payment prints too; several invoices on one receipt). Only the session that owns it may print it.
 */
import type { PaymentLedger } from '../payments/ledger';
import type { Customer } from '../../../shared/contract';
import { AppError } from '../errors';
import type { Receipt, ReceiptMethod, ReceiptStatus } from '../receipts/receipt-model';
import type { ReceiptsService } from '../receipts/receipts-service';
import type { CallerSession } from '../session/session-registry';

const STATUS: Partial<Record<string, ReceiptStatus>> = {
  succeeded: 'approved',
  processing: 'processing',
  queued: 'queued',
  requires_verification: 'processing',
  partially_succeeded: 'approved',
};

export class KioskReceipts {
  constructor(
    private readonly deps: {
      ledger: PaymentLedger;
      receipts: ReceiptsService;
      trainingMode: boolean;
      business: () => { name: string; addressLines: string[]; phone: string | null };
      customer: (id: string) => Customer | null;
      /** A staff member of this station (an attempt made at the desk with a saved method names its clerk). */
      staffName?: (id: string) => string | null;
    },
  ) {}

  /** The attempt on this station that made this PaymentIntent (how the desk's payment history names it). */
  byIntent(paymentIntentId: string): { id: string; customerId: string } | null {
    const a = this.deps.ledger.byIntent(paymentIntentId);
    return a && a.channel !== 'desk' ? { id: a.id, customerId: a.customerId } : null;
  }

  /** Another session's attempt is "not found", never "forbidden" (it does not say the id exists). */
  /** Refuses (not_found) an attempt that is not this session's; answers whose customer it is. */
  checkOwner(attemptId: string, session: CallerSession): { customerId: string } {
    const a = this.deps.ledger.get(attemptId);
    const mine =
      a &&
      a.channel !== 'desk' &&
      (session.role === 'guest'
        ? a.allocations.some((x) => x.invoiceId === session.guestInvoiceId) && a.customerId === session.customerId
        : a.customerId === session.customerId);
    if (!a || !mine) throw AppError.because('payment_not_found');
    return { customerId: a.customerId };
  }

  build(attemptId: string): Receipt {
    const a = this.deps.ledger.get(attemptId);
    const o = a?.outcome;
    if (!a || !o || o.status === 'failed') throw AppError.because('receipt_no_completed_payment');
    const status = STATUS[o.status];
    if (!status) throw AppError.because('receipt_no_completed_payment');
    const paid = o.parts.filter((p) => p.status !== 'failed');
    const m = o.method;
    const method: ReceiptMethod =
      m.type === 'us_bank_account'
        ? { type: 'us_bank_account', bankName: m.bankName, last4: m.last4 ?? '0000' }
        : { type: 'card', brand: m.brand, last4: m.last4 ?? '0000' };
    return this.deps.receipts.build({
      business: this.deps.business(),
      station: { id: a.stationId },
      occurredAt: a.createdAt,
      staffName: a.staffId ? (this.deps.staffName?.(a.staffId) ?? null) : null,
      customerName: this.deps.customer(a.customerId)?.name ?? null,
      invoiceNumbers:
        paid.length > 0 ? paid.flatMap((p) => (p.invoiceNumber ? [p.invoiceNumber] : [])) : o.invoiceNumber ? [o.invoiceNumber] : [],
      amount: { amount: o.amount, currency: o.currency },
      method,
      status,
      confirmationId: o.confirmation,
      training: this.deps.trainingMode,
    });
  }
}
