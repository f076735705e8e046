/**
 * What a payment came to, in the contract's terms: one part per invoice (from its PaymentIntent's
 * state), and the payment's outcome from its parts. The meaning of each intent status is the shared
 * rule (shared/payment-rules.ts); this file only shapes it.
 */
import type { DeclineReason, MethodSummary, PaymentOutcome, PaymentPart } from '../../../shared/contract';
import { declineReason, intentMeaning } from '../../../shared/payment-rules';
import type { IntentView } from '../../stripe/gateway';
import type { AllocationStatus, PaymentStatus } from './ledger';

export { declineReason };

/** English for logs and receipts; the renderer words the reason itself. */
export const DECLINE_MESSAGES: Record<DeclineReason, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'There are not enough funds for this payment.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: "The card's security code is incorrect.",
  incorrect_number: 'The card number is not valid.',
  processing_error: 'An error occurred while processing your card. Please try again in a moment.',
  bank_account_problem: 'Your bank could not make this payment.',
  verification_failed: 'The bank account could not be verified.',
  amount_changed: 'The amount due changed. Please check the amount and try again.',
  paid_elsewhere: 'The invoice was paid by another payment at the same moment, so nothing was kept for it.',
  other: 'The payment did not go through.',
};

export const UNKNOWN_METHOD: MethodSummary = { type: 'card', brand: null, last4: null, bankName: null, expMonth: null, expYear: null };

/** One invoice's part as its intent left it. */
export interface PartResult {
  part: PaymentPart;
  status: AllocationStatus;
  method: MethodSummary | null;
  arrivalDate: number | null;
  paymentMethodId: string | null;
  /** Released because the invoice changed: what it can still take. */
  remaining?: number | null;
}

/** An intent's state → the part of the payment it carried. */
export function partFromIntent(pi: IntentView, invoice: { invoiceId: string; invoiceNumber: string | null }, amount: number): PartResult {
  const base = { invoiceId: invoice.invoiceId, invoiceNumber: invoice.invoiceNumber, amount };
  const method = pi.method;
  const done = (status: PaymentPart['status'], allocation: AllocationStatus): PartResult => ({
    part: { ...base, status, confirmation: pi.id, reason: null },
    status: allocation,
    method,
    arrivalDate: pi.microdeposits?.arrivalDate ?? null,
    paymentMethodId: pi.paymentMethodId,
  });
  switch (intentMeaning(pi.status)) {
    case 'succeeded':
      return done('succeeded', 'succeeded');
    case 'authorized':
      return done('succeeded', 'authorized');
    case 'processing':
      return done('processing', 'processing');
    case 'needs_action':
      if (pi.microdeposits) return done('requires_verification', 'requires_verification');
      return failedPart(base, 'other', method, pi.paymentMethodId);
    case 'canceled':
      return failedPart(
        base,
        pi.lastError ? declineReason(pi.lastError.code, pi.lastError.declineCode) : 'other',
        method,
        pi.paymentMethodId,
        'canceled',
      );
    case 'open':
      return failedPart(base, declineReason(pi.lastError?.code, pi.lastError?.declineCode), method, pi.paymentMethodId);
  }
}

export function failedPart(
  base: { invoiceId: string; invoiceNumber: string | null; amount: number },
  reason: DeclineReason,
  method: MethodSummary | null = null,
  paymentMethodId: string | null = null,
  status: AllocationStatus = 'failed',
): PartResult {
  return { part: { ...base, status: 'failed', confirmation: null, reason }, status, method, arrivalDate: null, paymentMethodId };
}

export interface GroupInput {
  paymentId: string;
  currency: string;
  parts: PartResult[];
  method: MethodSummary | null;
  savedForAutopay: boolean;
  /** For a refusal because the invoice changed: what can be paid now. */
  remaining?: number | null;
}

/** The payment's outcome and status from its parts (several invoices: the worst part speaks for the rest). */
export function groupOutcome(g: GroupInput): { status: PaymentStatus; outcome: PaymentOutcome } {
  const parts = g.parts.map((p) => p.part);
  const first = parts[0]!;
  const ok = g.parts.filter((p) => p.part.status !== 'failed');
  const bad = g.parts.filter((p) => p.part.status === 'failed');
  const method = g.method ?? ok[0]?.method ?? g.parts.find((p) => p.method)?.method ?? UNKNOWN_METHOD;
  const paid = ok.reduce((sum, p) => sum + p.part.amount, 0);
  const confirmation = parts.length === 1 ? (first.confirmation ?? g.paymentId) : g.paymentId;
  const common = {
    attemptId: g.paymentId,
    invoiceId: first.invoiceId,
    invoiceNumber: first.invoiceNumber,
    amount: paid,
    currency: g.currency,
    method,
    confirmation,
    savedForAutopay: g.savedForAutopay && ok.length > 0,
    parts,
  };
  if (ok.length === 0) {
    const reason = bad[0]?.part.reason ?? 'other';
    return {
      status: 'failed',
      outcome: {
        status: 'failed',
        attemptId: g.paymentId,
        invoiceId: first.invoiceId,
        reason,
        message: DECLINE_MESSAGES[reason],
        parts,
        remaining: g.remaining ?? null,
      },
    };
  }
  if (bad.length > 0) {
    const unpaid = bad.reduce((sum, p) => sum + p.part.amount, 0);
    return {
      status: 'partially_succeeded',
      outcome: { status: 'partially_succeeded', ...common, reason: bad[0]!.part.reason ?? 'other', unpaid },
    };
  }
  if (ok.some((p) => p.part.status === 'requires_verification')) {
    const arrivalDate = ok.find((p) => p.arrivalDate !== null)?.arrivalDate ?? null;
    return { status: 'requires_verification', outcome: { status: 'requires_verification', ...common, arrivalDate } };
  }
  if (ok.some((p) => p.part.status === 'processing')) return { status: 'processing', outcome: { status: 'processing', ...common } };
  return { status: 'succeeded', outcome: { status: 'succeeded', ...common } };
}

/** A payment that failed before any part was tried (a bad card number, a closed page). */
export function failedOutcome(
  payment: { id: string; allocations: readonly { invoiceId: string | null }[] },
  reason: DeclineReason,
  remaining: number | null = null,
): PaymentOutcome {
  return {
    status: 'failed',
    attemptId: payment.id,
    invoiceId: payment.allocations[0]?.invoiceId ?? '',
    reason,
    message: DECLINE_MESSAGES[reason],
    parts: [],
    remaining,
  };
}
