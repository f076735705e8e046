/**
 * Receipts for payments taken at the desk, built from the desk's own record of the payment (so they
 * print offline too): card-present receipts carry the EMV fields, the staff member's name, the training
 * mark. Printing goes through ReceiptsService; when the printer is off or out of paper the job waits in
 * the outbox ('receipt_print') and prints when the printer is back.
 */
import type { Customer } from '../../../shared/contract';
import type { AuditLog } from '../audit/audit-log';
import { AppError } from '../errors';
import type { Outbox, OutboxHandler, OutboxItem, SendResult } from '../outbox/outbox';
import type { Receipt, ReceiptMethod } from '../receipts/receipt-model';
import type { ReceiptsService } from '../receipts/receipts-service';
import type { DeskLedger, DeskPayment } from './ledger';

export interface DeskReceiptsDeps {
  receipts: ReceiptsService;
  ledger: DeskLedger;
  outbox: Outbox;
  audit: AuditLog;
  trainingMode: boolean;
  /** False when this station has no e-mail port. */
  emailConfigured: boolean;
  stationId: () => string;
  business: () => { name: string; addressLines: string[]; phone: string | null };
  staffName: (id: string) => string | null;
  customer: (id: string) => Customer | null;
  /** The receipt of a kiosk payment attempt (kiosk-receipts.ts). */
  kioskReceipt: (attemptId: string) => Receipt;
}

export interface PrintAnswer {
  printed: boolean;
  queued: boolean;
  message: string | null;
}

/** A desk payment, or a kiosk payment attempt. */
export type ReceiptRef = { paymentId: string } | { attemptId: string };

interface PrintJob {
  paymentId?: string;
  attemptId?: string;
  reprint: boolean;
  /** Unix ms when the reprint was asked for. */
  at: number;
}

const MAX_PDF_BYTES = 1_400_000;

export class DeskReceipts {
  constructor(private readonly deps: DeskReceiptsDeps) {}

  build(paymentId: string): Receipt {
    const p = this.deps.ledger.get(paymentId);
    if (!p) throw new AppError('not_found', 'That payment was not found.');
    const status = p.status === 'succeeded' ? 'approved' : p.status === 'queued' ? 'queued' : null;
    if (!status) throw new AppError('conflict', 'A receipt is printed for a completed (or queued) payment only.');
    return this.deps.receipts.build({
      business: this.deps.business(),
      station: { id: p.stationId },
      occurredAt: p.createdAt,
      staffName: this.deps.staffName(p.staffId),
      customerName: this.deps.customer(p.customerId)?.name ?? null,
      invoiceNumbers: p.invoiceNumber ? [p.invoiceNumber] : [],
      amount: { amount: p.amount, currency: p.currency },
      method: methodOf(p),
      status,
      confirmationId: p.paymentIntentId ?? p.paymentRecordId ?? p.outboxId ?? p.id,
      training: this.deps.trainingMode,
    });
  }

  private buildRef(ref: ReceiptRef): Receipt {
    return 'attemptId' in ref ? this.deps.kioskReceipt(ref.attemptId) : this.build(ref.paymentId);
  }

  /** Prints now, or queues the job when the printer is off / out of paper. `staffId` null: the kiosk itself. */
  async print(ref: ReceiptRef, reprint: boolean, staffId: string | null, now: number): Promise<PrintAnswer> {
    const receipt = this.buildRef(ref);
    const subjectId = 'attemptId' in ref ? ref.attemptId : ref.paymentId;
    const result = reprint ? await this.deps.receipts.reprint(receipt) : await this.deps.receipts.print(receipt);
    if (result.ok) {
      if (staffId) this.deps.audit.record({ action: reprint ? 'receipt.reprinted' : 'receipt.printed', staffId, subjectId });
      return { printed: true, queued: false, message: null };
    }
    if (result.code === 'no_printer') return { printed: false, queued: false, message: `${result.message}. Offer the receipt by e-mail or as a PDF.` };
    // No customer on the item: a stuck print job must never hold up that customer's payments in the queue.
    const job: PrintJob = { ...ref, reprint, at: now };
    const item = this.deps.outbox.enqueue({ kind: 'receipt_print', customerId: null, payload: job, createdBy: staffId ?? 'kiosk', stationId: this.deps.stationId() });
    if (staffId) this.deps.audit.record({ action: 'receipt.queued', staffId, subjectId, detail: { queueId: item.id, problem: result.code } });
    return { printed: false, queued: true, message: `${result.message}. The receipt will print when the printer is ready.` };
  }

  async pdf(paymentId: string, staffId: string): Promise<string> {
    const bytes = await this.deps.receipts.pdf(this.build(paymentId));
    if (bytes.length > MAX_PDF_BYTES) throw new AppError('internal', 'The receipt PDF is too large.');
    this.deps.audit.record({ action: 'receipt.pdf', staffId, subjectId: paymentId });
    return bytes.toString('base64');
  }

  async email(paymentId: string, staffId: string): Promise<{ sent: boolean; message: string | null }> {
    const p = this.deps.ledger.get(paymentId);
    if (!p) throw new AppError('not_found', 'That payment was not found.');
    if (!this.deps.emailConfigured) return { sent: false, message: 'Email is not set up on this station.' };
    const to = this.deps.customer(p.customerId)?.email;
    if (!to) return { sent: false, message: 'This customer has no email address on file.' };
    const result = await this.deps.receipts.email(this.build(paymentId), to);
    if (result.ok) this.deps.audit.record({ action: 'receipt.emailed', staffId, subjectId: paymentId });
    return result.ok ? { sent: true, message: null } : { sent: false, message: result.message };
  }

  /** The outbox sender for 'receipt_print'. Printer trouble is "try later", never "the line is down". */
  sender(): OutboxHandler {
    return { send: (item) => this.sendJob(item) };
  }

  private async sendJob(item: OutboxItem): Promise<SendResult> {
    const job = item.payload as PrintJob;
    let receipt: Receipt;
    try {
      receipt = this.buildRef(job.attemptId ? { attemptId: job.attemptId } : { paymentId: job.paymentId ?? '' });
    } catch (err) {
      return { kind: 'review', reason: err instanceof Error ? err.message : 'This receipt can no longer be printed.' };
    }
    const result = job.reprint ? await this.deps.receipts.reprint(receipt) : await this.deps.receipts.print(receipt);
    if (result.ok) return { kind: 'sent' };
    if (result.code === 'no_printer') return { kind: 'review', reason: result.message };
    // Worded so the queue does not take it for Stripe being unreachable (which would pause other items).
    return { kind: 'retry', error: `Printer problem (${result.code.replace(/_/g, ' ').replace('offline', 'off')}); will print later.` };
  }
}

function methodOf(p: DeskPayment): ReceiptMethod {
  if (p.kind === 'cash') return { type: 'cash' };
  if (p.kind === 'check') return { type: 'check', checkNumber: p.checkNumber ?? '-' };
  const r = p.receipt;
  return {
    type: 'card_present',
    brand: p.brand,
    last4: p.last4 ?? '0000',
    readMethod: r?.readMethod ?? null,
    authorizationCode: r?.authorizationCode ?? null,
    emv: r
      ? {
          application_preferred_name: r.applicationPreferredName,
          dedicated_file_name: r.dedicatedFileName,
          authorization_response_code: r.authorizationResponseCode,
          account_type: r.accountType,
          application_cryptogram: r.applicationCryptogram,
          terminal_verification_results: r.terminalVerificationResults,
          transaction_status_information: r.transactionStatusInformation,
          authorization_code: r.authorizationCode,
        }
      : null,
  };
}
