/**
 * Receipts for every payment in a customer's payment history. This station's own records come first
 * (so they print offline too): the desk's record of a payment it took (card-present receipts carry the
 * EMV fields, the staff member's name, the training mark) and the kiosk attempts made here. Any other
 * payment (made online, at another kiosk or desk, by ACH; a cash or check record another desk
 * reported) is built from Stripe's data by StripeReceipts and marked as a reprint. Printing goes
 * through ReceiptsService; when the printer is off or out of paper the job waits in the outbox
 * ('receipt_print', with a Stripe-built receipt's input so it prints without Stripe) and prints when
 * the printer is back.
 */
import type { Customer } from '../../../shared/contract';
import { emailSchema } from '../../../shared/contract-schemas';
import type { AuditLog } from '../audit/audit-log';
import { AppError } from '../errors';
import type { Outbox, OutboxHandler, OutboxItem, SendResult } from '../outbox/outbox';
import { maskEmail } from '../receipts/email-text';
import type { Receipt, ReceiptMethod } from '../receipts/receipt-model';
import type { ReceiptBuildInput, ReceiptsService } from '../receipts/receipts-service';
import type { DeskLedger, DeskPayment } from './ledger';
import type { StripeReceipt } from './stripe-receipts';

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
  /** The kiosk attempt on this station that made a PaymentIntent, if any. */
  kioskAttemptFor: (paymentIntentId: string) => { id: string; customerId: string } | null;
  /** A `pi_…` / `pr_…` payment this station has no record of, from Stripe (stripe-receipts.ts); null: not such an id. */
  fromStripe: (paymentId: string) => Promise<StripeReceipt> | null;
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
  /** A receipt built from Stripe's data: its input, so the queued print needs no connection. */
  input?: ReceiptBuildInput;
  reprint: boolean;
  /** Unix ms when the reprint was asked for. */
  at: number;
}

/** A payment's receipt and what Email receipt and the audit log need to know about the payment. */
interface Resolved {
  receipt: Receipt;
  subjectId: string;
  customerId: string | null;
  amount: number;
  currency: string;
  /** Set when built from Stripe's data. */
  input: ReceiptBuildInput | null;
}

const MAX_PDF_BYTES = 1_400_000;

export class DeskReceipts {
  constructor(private readonly deps: DeskReceiptsDeps) {}

  /**
   * The receipt of a payment as the customer's payment history names it: a desk payment by its own id
   * or its PaymentIntent id, a kiosk attempt here by its PaymentIntent id, and otherwise (`pi_…`,
   * `pr_…`) from Stripe.
   */
  private async resolve(paymentId: string): Promise<Resolved> {
    const p = this.deps.ledger.get(paymentId) ?? (paymentId.startsWith('pi_') ? this.deps.ledger.byIntent(paymentId) : null);
    if (p)
      return { receipt: this.build(p), subjectId: p.id, customerId: p.customerId, amount: p.amount, currency: p.currency, input: null };
    const attempt = paymentId.startsWith('pi_') ? this.deps.kioskAttemptFor(paymentId) : null;
    if (attempt) {
      try {
        const receipt = this.deps.kioskReceipt(attempt.id);
        return {
          receipt,
          subjectId: paymentId,
          customerId: attempt.customerId,
          amount: receipt.amount.minor,
          currency: receipt.amount.currency,
          input: null,
        };
      } catch (err) {
        // The attempt here never saw how it ended (e.g. answered later): Stripe knows.
        if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      }
    }
    const remote = this.deps.fromStripe(paymentId);
    if (!remote) throw AppError.because('payment_not_found');
    const r = await remote;
    return {
      receipt: this.deps.receipts.build(r.input),
      subjectId: paymentId,
      customerId: r.customerId,
      amount: r.amount,
      currency: r.currency,
      input: r.input,
    };
  }

  private build(p: DeskPayment): Receipt {
    const status = p.status === 'succeeded' ? 'approved' : p.status === 'queued' ? 'queued' : null;
    if (!status) throw AppError.because('receipt_no_completed_payment');
    return this.deps.receipts.build({
      business: this.deps.business(),
      station: { id: p.stationId },
      occurredAt: p.createdAt,
      staffName: this.deps.staffName(p.staffId),
      customerName: this.deps.customer(p.customerId)?.name ?? null,
      invoiceNumbers: p.invoiceNumber ? [p.invoiceNumber] : [],
      // A desk payment without an invoice is a payment on account.
      onAccount: p.invoiceId === null,
      amount: { amount: p.amount, currency: p.currency },
      method: methodOf(p),
      status,
      confirmationId: p.paymentIntentId ?? p.paymentRecordId ?? p.outboxId ?? p.id,
      training: this.deps.trainingMode,
    });
  }

  private async resolveRef(ref: ReceiptRef): Promise<{ receipt: Receipt; input: ReceiptBuildInput | null }> {
    return 'attemptId' in ref ? { receipt: this.deps.kioskReceipt(ref.attemptId), input: null } : this.resolve(ref.paymentId);
  }

  /** Prints now, or queues the job when the printer is off / out of paper. `staffId` null: the kiosk itself. */
  async print(ref: ReceiptRef, reprint: boolean, staffId: string | null, now: number): Promise<PrintAnswer> {
    const { receipt, input } = await this.resolveRef(ref);
    const subjectId = 'attemptId' in ref ? ref.attemptId : ref.paymentId;
    const result = reprint ? await this.deps.receipts.reprint(receipt) : await this.deps.receipts.print(receipt);
    if (result.ok) {
      if (staffId) this.deps.audit.record({ action: reprint ? 'receipt.reprinted' : 'receipt.printed', staffId, subjectId });
      return { printed: true, queued: false, message: null };
    }
    if (result.code === 'no_printer')
      return { printed: false, queued: false, message: `${result.message}. Offer the receipt by e-mail or as a PDF.` };
    // No customer on the item: a stuck print job must never hold up that customer's payments in the queue.
    const job: PrintJob = { ...ref, ...(input ? { input } : {}), reprint, at: now };
    const item = this.deps.outbox.enqueue({
      kind: 'receipt_print',
      customerId: null,
      payload: job,
      createdBy: staffId ?? 'kiosk',
      stationId: this.deps.stationId(),
    });
    if (staffId)
      this.deps.audit.record({ action: 'receipt.queued', staffId, subjectId, detail: { queueId: item.id, problem: result.code } });
    return { printed: false, queued: true, message: `${result.message}. The receipt will print when the printer is ready.` };
  }

  async pdf(paymentId: string, staffId: string): Promise<string> {
    const bytes = await this.deps.receipts.pdf((await this.resolve(paymentId)).receipt);
    if (bytes.length > MAX_PDF_BYTES) throw AppError.because('receipt_too_large');
    this.deps.audit.record({ action: 'receipt.pdf', staffId, subjectId: paymentId });
    return bytes.toString('base64');
  }

  /**
   * E-mails the receipt PDF to the customer's address in the local copy (their Stripe customer
   * e-mail). A failure is an answer, not an error: the payment and its receipt stay as they were and
   * the clerk can send it again later from the customer's payments.
   */
  async email(paymentId: string, staffId: string): Promise<{ sent: boolean; message: string | null }> {
    const p = await this.resolve(paymentId);
    const answer = await this.sendEmail(p.receipt, p.customerId);
    if (answer.refused) {
      const message =
        answer.refused === 'not_configured'
          ? 'Email is not set up on this station.'
          : answer.refused === 'no_address'
            ? 'This customer has no email address on file.'
            : clip(
                `The email address on file (${(answer.to ?? '').slice(0, 120)}) is not valid. Correct it in the customer\u2019s record, then try again.`,
              );
      return { sent: false, message };
    }
    const detail = { to: maskEmail(answer.to), customerId: p.customerId };
    if (answer.sent) {
      this.deps.audit.record({
        action: 'receipt.emailed',
        staffId,
        subjectId: p.subjectId,
        amount: p.amount,
        currency: p.currency,
        detail,
      });
      return { sent: true, message: answer.message };
    }
    this.deps.audit.record({
      action: 'receipt.email_failed',
      staffId,
      subjectId: p.subjectId,
      detail: { ...detail, problem: answer.message },
    });
    return {
      sent: false,
      message: clip(
        `${answer.message} The payment is not affected; you can email the receipt again later from the customer\u2019s payments.`,
      ),
    };
  }

  /**
   * The kiosk's "Email my receipt": a kiosk payment's receipt to its customer's address on file
   * (the caller checks the session owns the attempt). The address is answered masked, never in full.
   */
  async emailKiosk(attemptId: string, customerId: string): Promise<{ sent: boolean; message: string | null; to: string | null }> {
    const answer = await this.sendEmail(this.deps.kioskReceipt(attemptId), customerId);
    if (answer.refused) {
      const message =
        answer.refused === 'not_configured'
          ? 'Receipts cannot be emailed from this kiosk. Print it, or ask at the front desk.'
          : answer.refused === 'no_address'
            ? 'We have no email address on file for you. Print the receipt, or ask at the front desk to add one.'
            : 'The email address on file for you needs correcting. Print the receipt, or ask at the front desk.';
      return { sent: false, message, to: null };
    }
    const to = maskEmail(answer.to);
    if (answer.sent) return { sent: true, message: answer.message, to };
    return {
      sent: false,
      message: clip(`${answer.message} Your payment is not affected; print the receipt, or the front desk can email it later.`),
      to,
    };
  }

  /** Sends one receipt to a customer's address on file, or says why it was not tried. */
  private async sendEmail(
    receipt: Receipt,
    customerId: string | null,
  ): Promise<
    | { refused: 'not_configured' | 'no_address'; to?: undefined }
    | { refused: 'invalid_address'; to: string }
    | { refused: null; to: string; sent: boolean; message: string | null }
  > {
    if (!this.deps.emailConfigured) return { refused: 'not_configured' };
    const to = customerId ? this.deps.customer(customerId)?.email?.trim() : undefined;
    if (!to) return { refused: 'no_address' };
    if (!emailSchema.safeParse(to).success) return { refused: 'invalid_address', to };
    const result = await this.deps.receipts.email(receipt, to);
    return { refused: null, to, sent: result.ok, message: result.message ?? null };
  }

  /** The outbox sender for 'receipt_print'. Printer trouble is "try later", never "the line is down". */
  sender(): OutboxHandler {
    return { send: (item) => this.sendJob(item) };
  }

  private async sendJob(item: OutboxItem): Promise<SendResult> {
    const job = item.payload as PrintJob;
    let receipt: Receipt;
    try {
      receipt = job.input
        ? this.deps.receipts.build(job.input)
        : (await this.resolveRef(job.attemptId ? { attemptId: job.attemptId } : { paymentId: job.paymentId ?? '' })).receipt;
    } catch (err) {
      // A receipt that must be read from Stripe waits for the line like any other item.
      if (err instanceof AppError && err.code === 'stripe_unavailable')
        return { kind: 'retry', error: 'Stripe could not be reached (offline); the receipt will print when it answers.' };
      return { kind: 'review', reason: err instanceof Error ? err.message : 'This receipt can no longer be printed.' };
    }
    const result = job.reprint ? await this.deps.receipts.reprint(receipt) : await this.deps.receipts.print(receipt);
    if (result.ok) return { kind: 'sent' };
    if (result.code === 'no_printer') return { kind: 'review', reason: result.message };
    // Worded so the queue does not take it for Stripe being unreachable (which would pause other items).
    return { kind: 'retry', error: `Printer problem (${result.code.replace(/_/g, ' ').replace('offline', 'off')}); will print later.` };
  }
}

/** Answers fit the contract's 300 characters. */
const clip = (text: string): string => (text.length <= 300 ? text : `${text.slice(0, 299)}\u2026`);

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
