/**
 * An invoice with the payments attached to it, as the payment core's cross-station guard reads it
 * (services/payments/invoice-guard.ts): each attached payment with its PaymentIntent's status, so a
 * station can see the money other stations hold or are moving for the same invoice.
 */
import type Stripe from 'stripe';
import type { Invoice } from '../../shared/contract';
import { toInvoice } from './mappers';

export interface InvoiceHold {
  /** The invoice_payment. */
  id: string;
  /** Unix seconds: when it was attached. */
  created: number;
  /** open, paid or canceled. */
  status: string;
  amountRequested: number;
  isDefault: boolean;
  paymentIntentId: string | null;
  /** The PaymentIntent's status (null for a payment record, or when it was not expanded). */
  intentStatus: string | null;
  paymentRecordId: string | null;
}

export interface GuardedInvoice {
  invoice: Invoice;
  holds: InvoiceHold[];
  /** More payments than came inline (Stripe inlines a handful): the rest need a list call. */
  more: boolean;
}

/** What to expand so the guard sees every attached payment's intent in the same answer. */
export const GUARD_EXPAND = ['payments', 'payments.data.payment.payment_intent'];

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

export function toHold(ip: Stripe.InvoicePayment): InvoiceHold {
  const pi = ip.payment.payment_intent;
  return {
    id: ip.id,
    created: ip.created,
    status: ip.status,
    amountRequested: ip.amount_requested,
    isDefault: ip.is_default,
    paymentIntentId: idOf(pi),
    intentStatus: pi && typeof pi === 'object' ? pi.status : null,
    paymentRecordId: idOf(ip.payment.payment_record),
  };
}

export function toGuardedInvoice(inv: Stripe.Invoice, nowMs: number): GuardedInvoice {
  const payments = inv.payments;
  return {
    invoice: toInvoice(inv, nowMs),
    holds: (payments?.data ?? []).map(toHold),
    more: payments?.has_more ?? false,
  };
}
