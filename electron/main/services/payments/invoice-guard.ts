/**
 * Never two charges for one invoice. Two layers:
 *
 * 1. On this station, `InvoiceClaims`: one payment at a time per invoice, whoever takes it (a kiosk
 *    session, another session, the desk, the queue). Claimed before money moves, released when the
 *    payment's result is recorded. A second payment for the same invoice is refused at once.
 *
 * 2. Across stations (which share nothing but Stripe), `decide`: every card or bank payment is
 *    registered on the invoice (attach_payment) before its money is final (a card is authorized, not
 *    captured; a bank debit is not confirmed yet), and the answer to that registration lists every
 *    payment attached to the invoice with its intent's status. A payment goes on only if what is left
 *    on the invoice, less the money other payments registered before it hold or are moving, covers
 *    it; otherwise it is released and nothing is charged. Stripe orders the registrations on an
 *    invoice, so of two racing payments the later one always sees the earlier one.
 *
 * What remains: a payment made outside this app (Stripe's Dashboard, the hosted invoice page) in the
 * moment between a registration and its capture is not seen; and a registration whose station died
 * holds the invoice until it is older than HOLD_IGNORED_AFTER_S (its owner never captures one older
 * than CAPTURE_WITHIN_S, so the two never overlap).
 */
import { holdsMoney, intentMeaning } from '../../../shared/payment-rules';
import type { GuardedInvoice, InvoiceHold } from '../../stripe/gateway';
import { AppError } from '../errors';

/** The owner captures (or confirms) a registered payment only this soon after registering it. */
export const CAPTURE_WITHIN_S = 15 * 60;
/** Other stations stop counting a registration this old whose money did not move. */
export const HOLD_IGNORED_AFTER_S = 20 * 60;

const PAYABLE_AT_STRIPE = new Set(['open', 'overdue', 'partially_paid', 'processing']);

/** Does this attached payment hold money (or is about to move it) for the invoice? */
function counts(h: InvoiceHold, nowSec: number): boolean {
  if (h.status !== 'open' || !h.intentStatus) return false;
  const fresh = nowSec - h.created < HOLD_IGNORED_AFTER_S;
  if (holdsMoney(h.intentStatus)) return h.intentStatus === 'processing' || fresh;
  // The invoice's own default payment (made by Stripe at finalization) counts only once money moves.
  if (h.isDefault) return false;
  // Registered and about to be confirmed (a bank debit), or waiting for the customer's step.
  const meaning = intentMeaning(h.intentStatus);
  return fresh && (meaning === 'needs_action' || h.intentStatus === 'requires_confirmation');
}

export type Decision = { ok: true } | { ok: false; available: number };

/**
 * Whether the payment registered as `intentId` may take `amount` from the invoice: yes when what
 * is left, less what payments registered no later than it hold, covers it. Pure: the same answer on
 * every station that reads the same invoice.
 */
export function decide(guarded: GuardedInvoice, intentId: string, amount: number, nowSec: number, waitingHere = 0): Decision {
  const { invoice, holds } = guarded;
  if (!PAYABLE_AT_STRIPE.has(invoice.status)) return { ok: false, available: 0 };
  const mine = holds.find((h) => h.paymentIntentId === intentId);
  const myTime = mine?.created ?? Number.POSITIVE_INFINITY;
  const ahead = holds
    .filter((h) => h !== mine && h.paymentIntentId !== intentId && h.created <= myTime && counts(h, nowSec))
    .reduce((sum, h) => sum + h.amountRequested, 0);
  const available = invoice.amountRemaining - ahead - waitingHere;
  return amount <= available ? { ok: true } : { ok: false, available: Math.max(0, available) };
}

/** What other payments hold on the invoice right now (for a payment that is not registered, like cash). */
export function heldByOthers(guarded: GuardedInvoice, nowSec: number): number {
  return guarded.holds.filter((h) => counts(h, nowSec)).reduce((sum, h) => sum + h.amountRequested, 0);
}

/**
 * The money the invoice took beyond what it shows as paid: payments that succeeded after it was paid
 * (a card captured at one station just as cash was recorded at another). Stripe keeps that money,
 * credited nowhere; the stations give it back, latest payment first.
 */
export function overpayment(guarded: GuardedInvoice): number {
  const paid = guarded.holds.filter((h) => h.status === 'paid').reduce((sum, h) => sum + h.amountRequested, 0);
  return Math.max(0, paid - guarded.invoice.amountPaid);
}

/**
 * Which card or bank payments give an overpayment back: the latest attached first (then by id), until it is
 * covered. The same answer on every station, so exactly one of them refunds each part.
 */
export function overpaidIntents(guarded: GuardedInvoice): { paymentIntentId: string; amount: number }[] {
  let left = overpayment(guarded);
  const out: { paymentIntentId: string; amount: number }[] = [];
  const latestFirst = guarded.holds
    .filter((h) => h.status === 'paid' && h.paymentIntentId)
    .sort((x, y) => y.created - x.created || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0));
  for (const h of latestFirst) {
    if (left <= 0) break;
    const amount = Math.min(left, h.amountRequested);
    out.push({ paymentIntentId: h.paymentIntentId!, amount });
    left -= amount;
  }
  return out;
}

/**
 * One payment at a time per invoice on this station. In memory: after a restart nothing is in
 * flight, and the reconciliation of what a crash left runs before anything new starts.
 */
export class InvoiceClaims {
  private readonly held = new Map<string, string>();

  /** Claims every invoice for the payment, or none: the first one another payment holds is returned. */
  claim(invoiceIds: readonly string[], paymentId: string): { ok: true; release: () => void } | { ok: false; invoiceId: string } {
    for (const id of invoiceIds) {
      const holder = this.held.get(id);
      if (holder && holder !== paymentId) return { ok: false, invoiceId: id };
    }
    const mine = invoiceIds.filter((id) => !this.held.has(id));
    for (const id of mine) this.held.set(id, paymentId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const id of mine) if (this.held.get(id) === paymentId) this.held.delete(id);
      },
    };
  }

  holder(invoiceId: string): string | null {
    return this.held.get(invoiceId) ?? null;
  }
}

/**
 * Claims the invoice on this station for a payment (nothing else may take money for it until
 * the payment ends), or refuses at once. A payment on account claims nothing.
 */
export function claimInvoice(claims: InvoiceClaims, invoiceId: string | null, paymentId: string): () => void {
  if (!invoiceId) return () => {};
  const claim = claims.claim([invoiceId], paymentId);
  if (!claim.ok) throw AppError.because('invoice_in_progress', { field: 'invoiceId' });
  return claim.release;
}
