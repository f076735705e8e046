import type Stripe from 'stripe';
import type { MethodSummary, PaymentType, SavedMethod } from '../../shared/contract';

/** What the payment service needs to know about a PaymentIntent. */
export interface IntentView {
  id: string;
  status:
    'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'canceled';
  amount: number;
  currency: string;
  customerId: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  /** Unix seconds. */
  created: number;
  method: MethodSummary | null;
  paymentMethodId: string | null;
  lastError: { code: string | null; declineCode: string | null; message: string | null } | null;
  /** Set when a hand-entered bank account waits for micro-deposit verification. */
  microdeposits: { arrivalDate: number | null } | null;
  clientSecret: string | null;
  metadata: Record<string, string>;
}

export interface NewIntent {
  amount: number;
  currency: string;
  customerId: string;
  type: PaymentType;
  description: string;
  metadata: Record<string, string>;
  saveForFuture: boolean;
}

export interface ConfirmIntent {
  paymentMethodId: string;
  /** The customer is at the kiosk, but a saved method is charged as Stripe's off-session flow. */
  offSession: boolean;
  /** ACH needs the customer's acceptance of the mandate. */
  mandate: { ipAddress: string; userAgent: string } | null;
  saveForFuture: boolean;
}

export type { NewBankAccount, NewCard } from '../../shared/contract';

export interface BillingDetails {
  name: string;
  postalCode: string;
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

export function toMethodSummary(pm: Stripe.PaymentMethod | null | undefined): MethodSummary | null {
  if (!pm) return null;
  if (pm.type === 'card' && pm.card) {
    return {
      type: 'card',
      brand: pm.card.brand,
      last4: pm.card.last4,
      bankName: null,
      expMonth: pm.card.exp_month,
      expYear: pm.card.exp_year,
    };
  }
  if (pm.type === 'us_bank_account' && pm.us_bank_account) {
    return {
      type: 'us_bank_account',
      brand: null,
      last4: pm.us_bank_account.last4,
      bankName: pm.us_bank_account.bank_name,
      expMonth: null,
      expYear: null,
    };
  }
  if (pm.type === 'card_present' && pm.card_present) {
    return {
      type: 'card_present',
      brand: pm.card_present.brand,
      last4: pm.card_present.last4,
      bankName: null,
      expMonth: pm.card_present.exp_month,
      expYear: pm.card_present.exp_year,
    };
  }
  return null;
}

export function toSavedMethod(pm: Stripe.PaymentMethod, defaultId: string | null): SavedMethod | null {
  const summary = toMethodSummary(pm);
  if (!summary || (summary.type !== 'card' && summary.type !== 'us_bank_account')) return null;
  return { ...summary, type: summary.type, id: pm.id, isDefault: pm.id === defaultId };
}

export function toIntentView(pi: Stripe.PaymentIntent): IntentView {
  const err = pi.last_payment_error;
  // After a failure Stripe clears the intent's payment_method; the one that failed is on the error.
  const pm = (typeof pi.payment_method === 'object' ? pi.payment_method : null) ?? err?.payment_method ?? null;
  const micro = pi.next_action?.type === 'verify_with_microdeposits' ? pi.next_action.verify_with_microdeposits : null;
  return {
    id: pi.id,
    status: pi.status as IntentView['status'],
    amount: pi.amount,
    currency: pi.currency,
    customerId: idOf(pi.customer),
    invoiceId: pi.metadata?.['invoice_id'] ?? null,
    invoiceNumber: pi.metadata?.['invoice_number'] ?? null,
    created: pi.created,
    method: toMethodSummary(pm),
    paymentMethodId: idOf(pi.payment_method) ?? pm?.id ?? null,
    lastError: err ? { code: err.code ?? null, declineCode: err.decline_code ?? null, message: err.message ?? null } : null,
    microdeposits: micro ? { arrivalDate: micro.arrival_date ?? null } : null,
    clientSecret: pi.client_secret,
    metadata: { ...(pi.metadata ?? {}) },
  };
}
