/**
 * Receipts for payments this station has no record of (made online, at a kiosk on another machine,
 * at another desk, by ACH), built from Stripe's data into the same receipt model: a PaymentIntent
 * (`pi_…`, with its charge's card / card-present EMV / bank details) or a payment record (`pr_…`, cash
 * or check another desk reported). Every such receipt is marked as a reprint: it is a copy, printed
 * after the fact away from where the payment was made. Needs Stripe; offline it says so plainly.
 */
import type { Customer, Invoice } from '../../../shared/contract';
import { GatewayError } from '../../stripe/errors';
import type { IntentDetails, PaidWith, RecordDetails } from '../../stripe/gateway';
import { AppError } from '../errors';
import { emvReceiptSchema, type ReceiptMethod, type ReceiptStatus } from '../receipts/receipt-model';
import type { ReceiptBuildInput } from '../receipts/receipts-service';

export interface StripeReceiptsDeps {
  gateway: {
    retrievePaymentDetails(id: string): Promise<IntentDetails | null>;
    retrievePaymentRecordDetails(id: string): Promise<RecordDetails | null>;
    retrieveInvoice(id: string): Promise<Invoice | null>;
    retrieveCustomer(id: string): Promise<Customer | null>;
  };
  trainingMode: boolean;
  business: () => { name: string; addressLines: string[]; phone: string | null };
  /** A staff member of this station by id (staff are kept per station). */
  staffName: (id: string) => string | null;
  /** The local copy first, for customers and invoices. */
  customer: (id: string) => Customer | null;
  invoice: (id: string) => Invoice | null;
}

/** The receipt's input, and what Email receipt and the audit log need to know about the payment. */
export interface StripeReceipt {
  input: ReceiptBuildInput;
  customerId: string | null;
  amount: number;
  currency: string;
}

export const NEEDS_STRIPE =
  'This payment was not taken on this station, so its receipt needs the connection to Stripe. Try again when the station is online.';

/** Who took a payment, for the "Served by" line; null prints "Kiosk" (kiosk and online payments). */
const FRONT_DESK = 'Front desk';
/** Where it was taken, when Stripe's metadata names no station (paid online). */
const ONLINE = 'Online';

export class StripeReceipts {
  constructor(private readonly deps: StripeReceiptsDeps) {}

  /** `pi_…` or `pr_…`; anything else is not a Stripe payment. */
  static handles(paymentId: string): boolean {
    return paymentId.startsWith('pi_') || paymentId.startsWith('pr_');
  }

  async build(paymentId: string): Promise<StripeReceipt> {
    try {
      return paymentId.startsWith('pr_') ? await this.fromRecord(paymentId) : await this.fromIntent(paymentId);
    } catch (err) {
      if (err instanceof GatewayError && err.retryable) throw AppError.because('receipt_needs_connection', { message: NEEDS_STRIPE });
      throw err;
    }
  }

  private async fromIntent(id: string): Promise<StripeReceipt> {
    const pi = await this.deps.gateway.retrievePaymentDetails(id);
    if (!pi) throw AppError.because('payment_not_found');
    const status = intentStatus(pi);
    const method = pi.method ? receiptMethod(pi.method) : null;
    if (!method) throw AppError.because('receipt_method_unknown');
    const m = pi.metadata;
    return {
      input: {
        ...(await this.common(m, pi.customer?.id ?? null, pi.invoiceId, pi.customer?.name ?? null)),
        occurredAt: pi.created * 1000,
        amount: { amount: pi.amount, currency: pi.currency },
        method,
        status,
        confirmationId: pi.id,
      },
      customerId: pi.customer?.id ?? null,
      amount: pi.amount,
      currency: pi.currency,
    };
  }

  private async fromRecord(id: string): Promise<StripeReceipt> {
    const r = await this.deps.gateway.retrievePaymentRecordDetails(id);
    if (!r) throw AppError.because('payment_not_found');
    if (r.outcome === 'failed' || r.outcome === 'canceled') {
      throw AppError.because(r.outcome === 'failed' ? 'receipt_payment_failed' : 'receipt_payment_canceled');
    }
    if (r.outcome !== 'guaranteed') throw AppError.because('receipt_payment_incomplete');
    const m = r.metadata;
    const method = recordMethod(r);
    if (!method) throw AppError.because('receipt_desk_records_only');
    // When the desk took the money (it may have reached Stripe later, from the offline queue).
    const takenAt = Number(m['taken_at']);
    return {
      input: {
        ...(await this.common(m, r.customerId, m['invoice_id'] || null, null)),
        occurredAt: Number.isSafeInteger(takenAt) && takenAt > 0 ? takenAt : r.created * 1000,
        amount: { amount: r.amount, currency: r.currency },
        method,
        status: 'approved',
        confirmationId: r.id,
      },
      customerId: r.customerId,
      amount: r.amount,
      currency: r.currency,
    };
  }

  /** The parts every Stripe-built receipt shares: business, station, who, customer, invoice, marks. */
  private async common(m: Record<string, string>, customerId: string | null, invoiceId: string | null, stripeCustomerName: string | null) {
    return {
      business: this.deps.business(),
      station: { id: clipText(m['station_id'], 64) ?? ONLINE },
      staffName: this.servedBy(m),
      customerName: clipText(customerId ? await this.customerName(customerId, stripeCustomerName) : null, 120),
      invoiceNumbers: invoiceId
        ? [clipText(await this.invoiceNumber(invoiceId, m['invoice_number']), 64)].filter((n): n is string => Boolean(n))
        : [],
      // A payment on account (credited to the customer's balance; the desk marks it in metadata).
      onAccount: !invoiceId && m['on_account'] === 'true',
      training: this.deps.trainingMode,
      reprint: true,
    };
  }

  private servedBy(m: Record<string, string>): string | null {
    const staffId = m['staff_id'];
    const known = staffId ? this.deps.staffName(staffId) : null;
    if (known) return known;
    const named = clipText(m['staff_name']);
    if (named) return named;
    // Taken at a desk by someone this station does not know: not "Kiosk".
    return staffId || m['channel'] === 'desk' ? FRONT_DESK : null;
  }

  private async customerName(id: string, fromStripe: string | null): Promise<string | null> {
    const local = this.deps.customer(id);
    if (local) return local.name;
    return fromStripe ?? (await this.deps.gateway.retrieveCustomer(id))?.name ?? null;
  }

  private async invoiceNumber(id: string, fromMetadata: string | undefined): Promise<string | null> {
    const local = this.deps.invoice(id)?.number;
    if (local) return local;
    if (fromMetadata) return fromMetadata;
    return (await this.deps.gateway.retrieveInvoice(id))?.number ?? null;
  }
}

function intentStatus(pi: IntentDetails): ReceiptStatus {
  switch (pi.status) {
    case 'succeeded':
      return pi.refunded ? 'refunded' : 'approved';
    case 'processing':
      return 'processing';
    case 'canceled':
      throw AppError.because('receipt_payment_canceled');
    case 'requires_payment_method':
      throw AppError.because('receipt_payment_failed');
    default:
      throw AppError.because('receipt_payment_incomplete');
  }
}

/** Receipts show the last 4 only; Stripe always has them, the fallback only keeps a receipt printable. */
const last4Of = (s: string | null): string => (s && /^\d{4}$/.test(s) ? s : '0000');

function receiptMethod(p: PaidWith): ReceiptMethod {
  switch (p.type) {
    case 'card':
      return { type: 'card', brand: p.brand, last4: last4Of(p.last4), authorizationCode: clipText(p.authorizationCode, 12) };
    case 'card_present': {
      // EMV data that does not pass the receipt's checks is left off rather than losing the whole receipt.
      const emv = p.emv ? emvReceiptSchema.safeParse(p.emv) : null;
      return {
        type: 'card_present',
        brand: p.brand,
        last4: last4Of(p.last4),
        readMethod: p.readMethod,
        authorizationCode: clipText(p.emv?.authorization_code ?? null, 12),
        emv: emv?.success ? emv.data : null,
      };
    }
    case 'us_bank_account':
      return { type: 'us_bank_account', bankName: clipText(p.bankName), last4: last4Of(p.last4) };
  }
}

function recordMethod(r: RecordDetails): ReceiptMethod | null {
  const kind = r.metadata['method'] ?? (r.displayName === 'Cash' ? 'cash' : r.displayName?.startsWith('Check') ? 'check' : null);
  if (kind === 'cash') return { type: 'cash' };
  if (kind !== 'check') return null;
  const number = r.metadata['check_number'] ?? /^Check #(\S+)$/.exec(r.displayName ?? '')?.[1] ?? '';
  return { type: 'check', checkNumber: /^[0-9A-Za-z-]{1,20}$/.test(number) ? number : '-' };
}

/** One line of text, at most `max` characters, or null. */
function clipText(s: string | null | undefined, max = 80): string | null {
  const t = s?.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return t ? t.slice(0, max) : null;
}
