/**
 * The local copy's payments as the screens list them (PaymentSummary). Used by the desk's customer
 * file (everything, offline too) and by the kiosk's history for the cash and checks that Stripe's
 * PaymentIntents do not include.
 */
import type { PaymentSummary } from '../../../shared/contract';
import type { LocalStore } from './local-store';
import type { PaymentRecord } from './types';

export function paymentSummaryOf(p: PaymentRecord, invoiceNumber: string | null): PaymentSummary {
  return {
    id: p.id,
    created: p.created,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    method: {
      type: p.method.type,
      brand: p.method.brand ?? null,
      last4: p.method.last4 ?? null,
      bankName: p.method.bankName ?? null,
      expMonth: null,
      expYear: null,
    },
    invoiceId: p.invoiceId,
    invoiceNumber,
  };
}

/** One customer's payments from the local copy, newest first; `only` narrows to some method types. */
export function localPaymentSummaries(store: LocalStore, customerId: string, only?: ReadonlySet<string>): PaymentSummary[] {
  const numbers = new Map(store.invoicesForCustomer(customerId).map((i) => [i.id, i.number]));
  return store
    .paymentsForCustomer(customerId)
    .filter((p) => !only || only.has(p.method.type))
    .map((p) => paymentSummaryOf(p, p.invoiceId ? (numbers.get(p.invoiceId) ?? null) : null));
}

export const OFFLINE_METHODS: ReadonlySet<string> = new Set(['cash', 'check']);
