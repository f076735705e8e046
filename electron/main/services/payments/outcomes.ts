import type { DeclineReason, MethodSummary, PaymentOutcome } from '../../../shared/contract';
import type { IntentView } from '../../stripe/gateway';
import type { Attempt, AttemptStatus } from './attempts-repo';

const CARD_DECLINE: Record<string, DeclineReason> = {
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  incorrect_number: 'incorrect_number',
  invalid_number: 'incorrect_number',
  processing_error: 'processing_error',
};

const BANK_PROBLEMS = new Set([
  'account_closed',
  'no_account',
  'debit_not_authorized',
  'invalid_currency',
  'bank_account_unusable',
  'bank_account_declined',
  'routing_number_invalid',
  'account_number_invalid',
]);

/** Stripe's code and decline code → the reason the popup explains. Lost and stolen read as a plain decline. */
export function declineReason(code: string | null | undefined, declineCode: string | null | undefined): DeclineReason {
  if (declineCode && CARD_DECLINE[declineCode]) return CARD_DECLINE[declineCode];
  if (code && CARD_DECLINE[code]) return CARD_DECLINE[code];
  if (code === 'insufficient_funds' || declineCode === 'insufficient_funds') return 'insufficient_funds';
  if (code && BANK_PROBLEMS.has(code)) return 'bank_account_problem';
  if (code?.startsWith('payment_method_microdeposit')) return 'verification_failed';
  if (code === 'card_declined' || declineCode) return 'card_declined';
  return 'other';
}

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
  other: 'The payment did not go through.',
};

export function failedOutcome(attempt: Attempt, reason: DeclineReason, message = DECLINE_MESSAGES[reason]): PaymentOutcome {
  return { status: 'failed', attemptId: attempt.id, invoiceId: attempt.invoiceId, reason, message };
}

/** The intent's state → what the customer sees, and what the attempt row records. */
export function outcomeOf(
  pi: IntentView,
  attempt: Attempt,
  fallbackMethod: MethodSummary | null,
  savedForAutopay: boolean,
): { status: AttemptStatus; outcome: PaymentOutcome } {
  const method: MethodSummary = pi.method ??
    fallbackMethod ?? { type: 'card', brand: null, last4: null, bankName: null, expMonth: null, expYear: null };
  const common = {
    attemptId: attempt.id,
    invoiceId: attempt.invoiceId,
    invoiceNumber: attempt.invoiceNumber,
    amount: pi.amount,
    currency: pi.currency,
    method,
    confirmation: pi.id,
    savedForAutopay,
  };
  switch (pi.status) {
    case 'succeeded':
    case 'requires_capture':
      return { status: 'succeeded', outcome: { status: 'succeeded', ...common } };
    case 'processing':
      return { status: 'processing', outcome: { status: 'processing', ...common } };
    case 'requires_action':
      if (pi.microdeposits) {
        return {
          status: 'requires_verification',
          outcome: { status: 'requires_verification', ...common, arrivalDate: pi.microdeposits.arrivalDate },
        };
      }
      return {
        status: 'failed',
        outcome: failedOutcome(attempt, 'other', 'This payment needs a step the kiosk cannot do. Please ask at the front desk.'),
      };
    default: {
      const reason = declineReason(pi.lastError?.code, pi.lastError?.declineCode);
      return { status: 'failed', outcome: failedOutcome(attempt, reason) };
    }
  }
}
