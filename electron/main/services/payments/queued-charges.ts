/**
 * A charge to a saved method that waits for the connection: the payment is recorded as queued with
 * an outbox item (and its idempotency key) in one commit, then sent exactly once when Stripe answers
 * again, through the same pay path (which first settles anything an earlier try left unanswered).
 */
import type { PaymentOutcome } from '../../../shared/contract';
import { checkPayAmount } from '../../../shared/payment-rules';
import { GatewayError } from '../../stripe/gateway';
import type { CrashPoint } from '../crash-points';
import { AppError } from '../errors';
import type { LocalStore } from '../local-store/local-store';
import type { Outbox, OutboxHandler, SendResult } from '../outbox/outbox';
import type { Payment, PaymentLedger } from './ledger';
import type { Payer } from './payer';
import type { PayRequest } from './payments-service';

/** What a queued saved-method charge carries (never card data: the method is already at Stripe). */
export interface QueuedCharge {
  attemptId: string;
  paymentMethodId: string;
  amount: number;
  nameOnAccount: string;
  postalCode: string;
}

export interface QueuedChargesDeps {
  ledger: PaymentLedger;
  localCopy?: LocalStore | undefined;
  outbox?: Outbox | undefined;
  crash: () => CrashPoint;
  pay: (payer: Payer, req: PayRequest, paymentMethodId: string) => Promise<PaymentOutcome>;
}

export class QueuedCharges {
  constructor(private readonly deps: QueuedChargesDeps) {}

  /**
   * Stripe cannot be reached: the charge waits in the durable queue (within the offline limits).
   * Checked against what was due when the page opened and the last synced copy of the customer's
   * methods; checked again against Stripe when sent.
   */
  enqueue(payment: Payment, charge: QueuedCharge): PaymentOutcome {
    const outbox = this.deps.outbox!;
    const owed = payment.allocations.reduce(
      (sum, a) => sum + (a.status === 'pending' || a.status === 'unknown' ? a.invoiceRemaining : 0),
      0,
    );
    const refusal = checkPayAmount(charge.amount, owed, payment.currency);
    if (refusal) throw AppError.because(refusal.reason, { params: refusal.params, field: 'amount' });
    const method = this.deps.localCopy?.paymentMethodsForCustomer(payment.customerId).find((m) => m.id === charge.paymentMethodId);
    if (!method) throw AppError.because('needs_connection');
    const first = payment.allocations[0]!;
    const queued = this.deps.ledger.atomically(() => {
      const item = outbox.enqueue({
        kind: 'saved_method_charge',
        customerId: payment.customerId,
        payload: charge,
        amount: charge.amount,
        currency: payment.currency,
        createdBy: payment.staffId ?? payment.channel,
        stationId: payment.stationId,
      });
      const summary = {
        type: method.type,
        brand: method.brand,
        last4: method.last4,
        bankName: method.bankName,
        expMonth: method.expMonth,
        expYear: method.expYear,
      };
      let left = charge.amount;
      const parts = payment.allocations.flatMap((a) => {
        if (left <= 0 || !a.invoiceId) return [];
        const amount = Math.min(left, a.invoiceRemaining);
        left -= amount;
        this.deps.ledger.updateAllocation(payment.id, a.seq, { amount });
        return [
          { invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amount, status: 'queued' as const, confirmation: null, reason: null },
        ];
      });
      const outcome: PaymentOutcome = {
        status: 'queued',
        attemptId: payment.id,
        invoiceId: first.invoiceId!,
        invoiceNumber: first.invoiceNumber,
        amount: charge.amount,
        currency: payment.currency,
        method: summary,
        confirmation: item.id,
        savedForAutopay: false,
        parts,
      };
      this.deps.ledger.update(payment.id, {
        status: 'queued',
        tender: 'saved_method',
        amount: charge.amount,
        outboxId: item.id,
        method: summary,
        outcome,
      });
      return outcome;
    });
    this.deps.crash()('outbox:after-enqueue');
    return queued;
  }

  /** The outbox's sender for queued saved-method charges. */
  sender(): OutboxHandler {
    return {
      send: async (item): Promise<SendResult> => {
        const charge = item.payload as QueuedCharge;
        const payment = this.deps.ledger.get(charge.attemptId);
        if (!payment) return { kind: 'review', reason: 'The payment this item belongs to is missing from this station.' };
        const payer: Payer = { kind: 'customer', customerId: payment.customerId };
        try {
          const outcome = await this.deps.pay(payer, charge, charge.paymentMethodId);
          if (outcome.status === 'failed') {
            return {
              kind: 'review',
              reason: `Declined after the fact: ${outcome.message} Nothing was charged. Please contact the customer.`,
              result: outcome,
            };
          }
          if (outcome.status === 'partially_succeeded') {
            return {
              kind: 'review',
              reason: 'Part of this payment was declined after the fact. Please contact the customer.',
              result: outcome,
            };
          }
          return { kind: 'sent', result: outcome };
        } catch (err) {
          if (err instanceof AppError && (err.code === 'stripe_unavailable' || err.reason === 'payment_outcome_unknown')) {
            return { kind: 'retry', error: 'Stripe could not be reached.' };
          }
          if (err instanceof GatewayError && err.retryable) return { kind: 'retry', error: 'Stripe could not be reached.' };
          if (err instanceof AppError && err.field === 'amount') {
            this.deps.ledger.update(payment.id, { status: 'canceled' });
            return {
              kind: 'review',
              reason: `The invoice was paid elsewhere or its balance changed meanwhile (${err.reason}). Nothing was charged.`,
            };
          }
          if (err instanceof AppError && (err.field === 'paymentMethodId' || err.reason === 'method_not_found')) {
            this.deps.ledger.update(payment.id, { status: 'canceled' });
            return {
              kind: 'review',
              reason:
                'The saved payment method was removed before the connection returned. Nothing was charged. Please contact the customer.',
            };
          }
          throw err;
        }
      },
    };
  }
}
