/**
 * The money rules every tender and every screen uses, in one place: which invoices can be paid, the
 * smallest charge Stripe takes, how an amount is checked and how one amount is spread over several
 * invoices, what a PaymentIntent's status means, and why a payment was declined. Imported by main,
 * the renderer and the tests. Pure: no Node, no DOM.
 */
import type { Reason, ReasonParams } from './reasons';

/** The invoice statuses (contract InvoiceStatus) a payment may be taken for, when something is left on them. */
export const PAYABLE_INVOICE_STATUSES: ReadonlySet<string> = new Set(['open', 'overdue', 'partially_paid', 'processing']);

export interface PayableInvoice {
  id: string;
  status: string;
  currency: string;
  amountRemaining: number;
  /** Unix seconds, null when the invoice has no due date. */
  dueAt: number | null;
  /** Unix seconds. */
  issuedAt: number;
  number: string | null;
}

export const isPayable = (inv: Pick<PayableInvoice, 'status' | 'amountRemaining'>): boolean =>
  PAYABLE_INVOICE_STATUSES.has(inv.status) && inv.amountRemaining > 0;

/**
 * The smallest amount Stripe charges, per currency, in minor units (Stripe's "minimum and maximum
 * charge amounts"; a smaller card or bank charge is refused with `amount_too_small`). Cash and
 * checks have no minimum.
 */
const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50,
  aud: 50,
  brl: 50,
  cad: 50,
  chf: 50,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  nok: 300,
  nzd: 50,
  pln: 200,
  sek: 300,
  sgd: 50,
};

export function minimumCharge(currency: string): number {
  return MINIMUM_CHARGE[currency.toLowerCase()] ?? 50;
}

/** The tenders Stripe charges (and so the minimum applies to); cash and check do not. */
export type ChargeKind = 'stripe' | 'cash';

export interface AmountRefusal {
  reason: Reason;
  params: ReasonParams;
}

/**
 * Checks an amount against what is left to pay. null when it is fine; otherwise the reason (and its
 * params) the field shows. `remaining` is what the chosen invoices still owe together.
 */
export function checkPayAmount(amount: number, remaining: number, currency: string, kind: ChargeKind = 'stripe'): AmountRefusal | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) return { reason: 'amount_not_valid', params: {} };
  if (remaining <= 0) return { reason: 'invoice_already_paid', params: {} };
  if (amount > remaining) return { reason: 'amount_over_remaining', params: { remaining, currency } };
  if (kind === 'stripe') {
    const minimum = minimumCharge(currency);
    if (remaining < minimum) return { reason: 'remaining_under_minimum', params: { remaining, minimum, currency } };
    if (amount < minimum) return { reason: 'amount_under_minimum', params: { minimum, currency } };
  }
  return null;
}

export interface Allocation {
  invoiceId: string;
  amount: number;
}

/** Oldest due first (an invoice without a due date by its issue date), then by number: the billing system's order. */
export function payOrder<T extends Pick<PayableInvoice, 'dueAt' | 'issuedAt' | 'number' | 'id'>>(invoices: readonly T[]): T[] {
  return [...invoices].sort(
    (a, b) => (a.dueAt ?? a.issuedAt) - (b.dueAt ?? b.issuedAt) || (a.number ?? a.id).localeCompare(b.number ?? b.id),
  );
}

/**
 * Spreads one amount over several invoices, oldest due first, each capped at what it owes. With a
 * Stripe tender every part is a charge of its own, so none may be under the minimum charge: an amount
 * that would leave a smaller last part is refused, saying which amount would work. Returns the parts
 * (invoices that get nothing are left out), or the refusal.
 */
export function allocate(
  amount: number,
  invoices: readonly PayableInvoice[],
  kind: ChargeKind = 'stripe',
): { ok: true; parts: Allocation[] } | { ok: false; refusal: AmountRefusal } {
  if (invoices.length === 0) return { ok: false, refusal: { reason: 'no_invoices_chosen', params: {} } };
  const currency = invoices[0]!.currency;
  const total = invoices.reduce((sum, inv) => sum + Math.max(0, inv.amountRemaining), 0);
  if (!Number.isSafeInteger(amount) || amount <= 0) return { ok: false, refusal: { reason: 'amount_not_valid', params: {} } };
  if (total <= 0) return { ok: false, refusal: { reason: 'invoice_already_paid', params: {} } };
  if (amount > total) {
    return {
      ok: false,
      refusal:
        invoices.length > 1
          ? { reason: 'amount_over_total', params: { total, currency } }
          : { reason: 'amount_over_remaining', params: { remaining: total, currency } },
    };
  }
  const parts: Allocation[] = [];
  let left = amount;
  for (const inv of payOrder(invoices.filter((i) => i.amountRemaining > 0))) {
    if (left === 0) break;
    const part = Math.min(left, inv.amountRemaining);
    parts.push({ invoiceId: inv.id, amount: part });
    left -= part;
  }
  if (kind === 'stripe') {
    const minimum = minimumCharge(currency);
    const last = parts[parts.length - 1]!;
    if (last.amount < minimum) {
      const inv = invoices.find((i) => i.id === last.invoiceId)!;
      if (parts.length === 1) return { ok: false, refusal: checkPayAmount(amount, inv.amountRemaining, currency, kind)! };
      // Part of the amount would reach the last invoice as less than Stripe charges: say how much would work.
      const upTo = amount - last.amount;
      return {
        ok: false,
        refusal: {
          reason: 'allocation_under_minimum',
          params: { amount: last.amount, minimum, currency, invoiceNumber: inv.number ?? '', total: upTo },
        },
      };
    }
  }
  return { ok: true, parts };
}

// ---- PaymentIntent status ------------------------------------------------------------------------

export type IntentStatus =
  'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'canceled';

/** What a PaymentIntent's status means for the money. */
export type IntentMeaning =
  /** Nothing taken; the intent can still be confirmed (again, after a decline). */
  | 'open'
  /** Waiting for the customer (3-D Secure, micro-deposit verification). */
  | 'needs_action'
  /** Authorized, not captured: money is held and may be captured or released. */
  | 'authorized'
  /** Accepted, settling (ACH): counts as paid-in-progress. */
  | 'processing'
  | 'succeeded'
  | 'canceled';

/** Every status Stripe has, each with its meaning; an unknown status is an error, not a guess. */
export function intentMeaning(status: string): IntentMeaning {
  const s = status as IntentStatus;
  switch (s) {
    case 'requires_payment_method':
    case 'requires_confirmation':
      return 'open';
    case 'requires_action':
      return 'needs_action';
    case 'requires_capture':
      return 'authorized';
    case 'processing':
      return 'processing';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    default: {
      const never: never = s;
      throw new Error(`unknown PaymentIntent status: ${String(never)}`);
    }
  }
}

/** Money is held or moving: the intent must be counted against the invoice's balance. */
export const holdsMoney = (status: string): boolean => ['authorized', 'processing'].includes(intentMeaning(status));

// ---- declines ------------------------------------------------------------------------------------

/** Why a payment did not go through, as the result popup explains it (contract DeclineReason). */
export type DeclineReasonCode =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'incorrect_number'
  | 'processing_error'
  | 'bank_account_problem'
  | 'verification_failed'
  | 'amount_changed'
  | 'paid_elsewhere'
  | 'other';

const CARD_DECLINE: Readonly<Record<string, DeclineReasonCode>> = {
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  incorrect_number: 'incorrect_number',
  invalid_number: 'incorrect_number',
  processing_error: 'processing_error',
};

const BANK_PROBLEMS: ReadonlySet<string> = new Set([
  'account_closed',
  'no_account',
  'debit_not_authorized',
  'invalid_currency',
  'bank_account_unusable',
  'bank_account_declined',
  'bank_account_restricted',
  'bank_account_unverified',
  'routing_number_invalid',
  'account_number_invalid',
]);

/**
 * Stripe's error code and decline code (from the API or Stripe.js) → the reason the popup explains.
 * Lost and stolen cards read as a plain decline (never tell someone at a kiosk a card was reported).
 */
export function declineReason(code: string | null | undefined, declineCode: string | null | undefined): DeclineReasonCode {
  if (declineCode && CARD_DECLINE[declineCode]) return CARD_DECLINE[declineCode];
  if (code && CARD_DECLINE[code]) return CARD_DECLINE[code];
  if (code?.startsWith('payment_method_microdeposit')) return 'verification_failed';
  if (code && (BANK_PROBLEMS.has(code) || code.startsWith('bank_account'))) return 'bank_account_problem';
  if (code === 'card_declined' || declineCode) return 'card_declined';
  return 'other';
}
