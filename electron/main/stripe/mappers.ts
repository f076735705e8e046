import type Stripe from 'stripe';
import type { Address, Customer, Invoice, InvoiceDetail, InvoiceStatus } from '../../shared/contract';

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

export function toAddress(a: Stripe.Address | null | undefined): Address | null {
  if (!a) return null;
  return {
    line1: a.line1 ?? null,
    line2: a.line2 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postalCode: a.postal_code ?? null,
    country: a.country ?? null,
  };
}

export function toCustomer(c: Stripe.Customer): Customer {
  return { id: c.id, name: c.name ?? null, email: c.email ?? null, phone: c.phone ?? null, address: toAddress(c.address) };
}

/**
 * What a customer should read as the invoice's state. Stripe's status is the truth; "overdue",
 * "partially paid" and "payment processing" are views of an open invoice.
 */
export function displayStatus(inv: Stripe.Invoice, nowMs: number, processing = false): InvoiceStatus {
  switch (inv.status) {
    case 'paid':
      return 'paid';
    case 'void':
      return 'void';
    case 'uncollectible':
      return 'uncollectible';
    case 'draft':
      return 'draft';
    case 'open':
    default:
      if (processing || inv.metadata?.['payment_processing'] === 'true') return 'processing';
      if (inv.amount_paid > 0 && inv.amount_remaining > 0) return 'partially_paid';
      if (inv.due_date != null && inv.due_date * 1000 < nowMs) return 'overdue';
      return 'open';
  }
}

export function toInvoice(inv: Stripe.Invoice, nowMs: number): Invoice {
  const customerId = idOf(inv.customer);
  if (!inv.id || !customerId) throw new Error('invoice without id or customer');
  return {
    id: inv.id,
    number: inv.number ?? null,
    customerId,
    status: displayStatus(inv, nowMs),
    currency: inv.currency,
    total: inv.total,
    amountDue: inv.amount_due,
    amountPaid: inv.amount_paid,
    amountRemaining: inv.amount_remaining,
    issuedAt: inv.status_transitions?.finalized_at ?? inv.created,
    dueAt: inv.due_date ?? null,
  };
}

export function toInvoiceDetail(inv: Stripe.Invoice, lines: Stripe.InvoiceLineItem[], nowMs: number): InvoiceDetail {
  return {
    ...toInvoice(inv, nowMs),
    lines: lines.map((l) => ({
      id: l.id,
      description: l.description ?? null,
      amount: l.amount,
      quantity: l.quantity ?? null,
    })),
  };
}
