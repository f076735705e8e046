import type { MethodSummary, PaymentOutcome, PaymentStart, PaymentType, PendingVerification } from '../../../shared/contract';
import { formatMoney } from '../../../shared/money';
import { GatewayError, type IntentView, type NewIntent, type StripeGateway } from '../../stripe/gateway';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { noCrashPoints, type CrashPoint } from '../crash-points';
import type { LocalStore } from '../local-store/local-store';
import { onlineOr } from '../offline';
import type { Outbox, OutboxHandler, SendResult } from '../outbox/outbox';
import { keyFor, type Attempt, type AttemptsRepo, type Step } from './attempts-repo';
import { declineReason, DECLINE_MESSAGES, failedOutcome, outcomeOf } from './outcomes';
import { assertCanSeeInvoice, type Payer } from './payer';

export interface PaymentsDeps {
  gateway: StripeGateway;
  attempts: AttemptsRepo;
  clock: Clock;
  log: Logger;
  trainingMode: boolean;
  stationId: () => string;
  publishableKey: () => string | null;
  /** Where a saved-method charge waits while Stripe is unreachable. */
  outbox?: Outbox;
  /** The local copy, read when Stripe cannot be reached (what is due, who the customer is, their methods). */
  localCopy?: LocalStore;
  crashPoint?: CrashPoint;
}

/** What a queued saved-method charge carries (never card data: the method is already at Stripe). */
export interface QueuedCharge {
  attemptId: string;
  paymentMethodId: string;
  amount: number;
  nameOnAccount: string;
  postalCode: string;
}

export interface PayRequest {
  attemptId: string;
  amount: number;
  nameOnAccount: string;
  postalCode: string;
}

type MethodChoice =
  | { kind: 'saved'; paymentMethodId: string }
  | { kind: 'new-card'; card: { number: string; expMonth: number; expYear: number; cvc: string }; save: boolean }
  | {
      kind: 'new-bank';
      bankAccount: {
        routingNumber: string;
        accountNumber: string;
        accountHolderType: 'individual' | 'company';
        accountType: 'checking' | 'savings';
      };
      save: boolean;
    };

const SETTLED = new Set(['succeeded', 'processing', 'requires_verification']);

/**
 * The customer payment flow. Exactly-once rests on three things: every money-moving request
 * carries an idempotency key committed to SQLite before it is sent; an attempt can have only
 * one step in flight; and an attempt whose payment went through answers every later try with the
 * recorded result instead of charging again.
 */
export class PaymentsService {
  /** Attempts with a request in flight in this process: a second call waits for nothing and charges nothing. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: PaymentsDeps) {}

  async start(payer: Payer, invoiceId: string): Promise<PaymentStart> {
    const { gateway, attempts, localCopy } = this.deps;
    // Offline, the page still opens from the local copy: a saved-method payment may then wait in the queue.
    const { value: invoice } = await onlineOr(
      () => gateway.retrieveInvoice(invoiceId),
      () => localCopy?.getInvoice(invoiceId) ?? null,
    );
    if (!invoice) throw new AppError('not_found', 'That invoice was not found.');
    assertCanSeeInvoice(payer, invoice);
    if (invoice.amountRemaining <= 0 || invoice.status === 'paid') throw new AppError('conflict', 'This invoice is already paid.');
    if (!['open', 'overdue', 'partially_paid', 'processing'].includes(invoice.status)) {
      throw new AppError('conflict', 'This invoice cannot be paid here. Please ask at the front desk.');
    }
    const attempt = attempts.create({
      customerId: invoice.customerId,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      currency: invoice.currency,
      invoiceRemaining: invoice.amountRemaining,
      channel: payer.kind === 'guest' ? 'guest' : payer.kind === 'staff' ? 'desk' : 'kiosk',
      stationId: this.deps.stationId(),
      staffId: payer.kind === 'staff' ? payer.staffId : null,
    });
    const customer =
      payer.kind === 'customer'
        ? (
            await onlineOr(
              () => gateway.retrieveCustomer(invoice.customerId),
              () => localCopy?.getCustomer(invoice.customerId) ?? null,
            )
          ).value
        : null;
    return {
      attemptId: attempt.id,
      invoice,
      billingName: customer?.name ?? null,
      billingPostalCode: customer?.address?.postalCode ?? null,
      publishableKey: this.deps.trainingMode ? null : this.deps.publishableKey(),
    };
  }

  async paySaved(payer: Payer, req: PayRequest & { paymentMethodId: string }): Promise<PaymentOutcome> {
    if (payer.kind !== 'customer') throw new AppError('forbidden', 'Sign in to use a saved payment method.');
    return this.pay(payer, req, { kind: 'saved', paymentMethodId: req.paymentMethodId });
  }

  async payNewCard(
    payer: Payer,
    req: PayRequest & { card: { number: string; expMonth: number; expYear: number; cvc: string }; saveForAutopay: boolean },
  ): Promise<PaymentOutcome> {
    if (!this.deps.trainingMode) throw new AppError('forbidden', 'Card details are entered in the secure card form.');
    this.assertCanSave(payer, req.saveForAutopay);
    return this.pay(payer, req, { kind: 'new-card', card: req.card, save: req.saveForAutopay });
  }

  async payNewBankAccount(
    payer: Payer,
    req: PayRequest & { bankAccount: Extract<MethodChoice, { kind: 'new-bank' }>['bankAccount']; saveForAutopay: boolean },
  ): Promise<PaymentOutcome> {
    if (!this.deps.trainingMode) throw new AppError('forbidden', 'Bank details are entered in the secure form.');
    this.assertCanSave(payer, req.saveForAutopay);
    return this.pay(payer, req, { kind: 'new-bank', bankAccount: req.bankAccount, save: req.saveForAutopay });
  }

  /**
   * Live mode: the card or bank details go into Stripe's Payment Element in the window, never
   * through the app. Main creates (or reuses) the attempt's intent with its stored keys and hands
   * out only its client secret; the element confirms it; `completeLive` then reads the result.
   */
  async createLiveIntent(
    payer: Payer,
    req: PayRequest & { paymentType: PaymentType; saveForAutopay: boolean },
  ): Promise<{ clientSecret: string }> {
    if (this.deps.trainingMode) throw new AppError('forbidden', 'The secure card form is used only with a live Stripe key.');
    this.assertCanSave(payer, req.saveForAutopay);
    const { gateway, attempts } = this.deps;
    const attempt = this.ownedAttempt(payer, req.attemptId);
    if (SETTLED.has(attempt.status) || attempt.status === 'canceled')
      throw new AppError('conflict', 'This payment is already done. Please start again from the invoice.');
    const invoice = await gateway.retrieveInvoice(attempt.invoiceId);
    if (!invoice) throw new AppError('not_found', 'That invoice was not found.');
    this.checkAmount(req.amount, invoice.amountRemaining, invoice.currency);
    const intent = intentFor(attempt, req.amount, req.paymentType, req.saveForAutopay);
    let pi = attempt.paymentIntentId ? await gateway.retrieveIntent(attempt.paymentIntentId) : null;
    if (!pi) {
      const step = attempts.beginStep(attempt.id, 'element', req.amount, null, JSON.stringify(intent));
      if (!step) throw new AppError('conflict', 'This payment is already being sent. Please wait.');
      pi = await this.createAndAttach(attempt, step, intent);
      // The element confirms in the window: the step is done here, the result is read by completeLive.
      attempts.finishStep(step, 'open', pi.id, null);
    } else if (pi.amount !== req.amount && pi.status === 'requires_payment_method') {
      pi = await gateway.updateIntentAmount(pi.id, req.amount, { idempotencyKey: keyFor(attempt.id, `amount:${this.deps.clock.now()}`) });
    }
    if (!pi.clientSecret) throw new AppError('stripe_error', 'The payment service did not return a form for this payment.');
    return { clientSecret: pi.clientSecret };
  }

  /** Live mode: reads what the Payment Element's confirmation did, and records it. */
  async completeLive(payer: Payer, attemptId: string): Promise<PaymentOutcome> {
    const attempt = this.ownedAttempt(payer, attemptId);
    if (SETTLED.has(attempt.status) && attempt.outcome) return attempt.outcome;
    if (!attempt.paymentIntentId) throw new AppError('conflict', 'This payment was not started. Please press Continue again.');
    const pi = await this.deps.gateway.retrieveIntent(attempt.paymentIntentId);
    // The customer asked to save the method (the intent was made with setup_future_usage, marked in metadata).
    const save = pi.metadata['save_for_autopay'] === 'true' && pi.status !== 'requires_payment_method';
    const { status, outcome } = outcomeOf(pi, attempt, null, save);
    if (save && pi.paymentMethodId && (status === 'succeeded' || status === 'processing' || status === 'requires_verification')) {
      await this.makeDefaultForAutopay(attempt.customerId, pi.paymentMethodId);
    }
    this.deps.attempts.setStatus(attempt.id, status === 'failed' ? 'open' : status, outcome);
    return outcome;
  }

  /** A customer's payments waiting for a micro-deposit code; a guest sees those of their one invoice. */
  async pendingVerifications(payer: Payer): Promise<PendingVerification[]> {
    if (payer.kind === 'staff') return [];
    const mine = this.deps.attempts
      .pendingVerifications(payer.customerId)
      .filter((a) => payer.kind === 'customer' || a.invoiceId === payer.invoiceId);
    return mine.flatMap((a) => {
      const o = a.outcome;
      if (!o || o.status !== 'requires_verification') return [];
      return [
        {
          attemptId: a.id,
          invoiceId: a.invoiceId,
          invoiceNumber: a.invoiceNumber,
          amount: o.amount,
          currency: o.currency,
          bankName: o.method.bankName,
          last4: o.method.last4,
          arrivalDate: o.arrivalDate,
        },
      ];
    });
  }

  /** Finishes a hand-entered bank account payment with the 6-character code from the bank statement. */
  async verifyMicrodeposits(payer: Payer, attemptId: string, code: string): Promise<PaymentOutcome> {
    const attempt = this.ownedAttempt(payer, attemptId);
    if (attempt.status !== 'requires_verification' || !attempt.paymentIntentId || attempt.outcome?.status !== 'requires_verification') {
      throw new AppError('conflict', 'This payment is not waiting for a verification code.');
    }
    const previous = attempt.outcome;
    try {
      const pi = await this.deps.gateway.verifyMicrodeposits(attempt.paymentIntentId, code.toUpperCase(), {
        idempotencyKey: keyFor(attempt.id, `verify:${code.toUpperCase()}`),
      });
      const { status, outcome } = outcomeOf(pi, attempt, previous.method, previous.savedForAutopay);
      this.deps.attempts.setStatus(attempt.id, status, outcome);
      return outcome;
    } catch (err) {
      if (err instanceof GatewayError && err.kind === 'invalid' && err.details.code?.startsWith('payment_method_microdeposit')) {
        return failedOutcome(attempt, 'verification_failed', microdepositMessage(err.details.code));
      }
      throw err;
    }
  }

  /**
   * The customer left (idle, Done, sign-out): attempts they opened and never paid are closed, and an
   * intent left behind after a decline is canceled at Stripe, so nothing half-done stays open.
   * Queued, processing and paid attempts are never touched.
   */
  async abandon(attemptIds: readonly string[]): Promise<number> {
    let canceled = 0;
    for (const attempt of this.deps.attempts.unsettled(attemptIds)) {
      if (this.inFlight.has(attempt.id)) continue;
      try {
        if (attempt.paymentIntentId) {
          const pi = await this.deps.gateway.retrieveIntent(attempt.paymentIntentId);
          if (pi.status === 'requires_payment_method' || pi.status === 'requires_confirmation') {
            await this.deps.gateway.cancelIntent(pi.id, { idempotencyKey: keyFor(attempt.id, 'cancel') });
          }
        }
        this.deps.attempts.setStatus(attempt.id, 'canceled', attempt.outcome);
        canceled++;
      } catch (err) {
        this.deps.log.warn('could not close an abandoned payment; it stays open and harmless', { attempt: attempt.id, error: String(err) });
      }
    }
    return canceled;
  }

  /** After a crash: every step that was sent but never recorded is settled from Stripe's answer. */
  async reconcileAll(): Promise<number> {
    const attemptIds = new Set(this.deps.attempts.unfinishedSteps().map((s) => s.attemptId));
    for (const id of attemptIds) {
      if (this.inFlight.has(id)) continue;
      const attempt = this.deps.attempts.get(id);
      if (attempt) await this.reconcile(attempt);
    }
    return attemptIds.size;
  }

  // ---------------------------------------------------------------------------------------------

  private assertCanSave(payer: Payer, save: boolean): void {
    if (save && payer.kind !== 'customer')
      throw new AppError('forbidden', 'Sign in to save a payment method for autopay.', 'saveForAutopay');
  }

  private ownedAttempt(payer: Payer, attemptId: string): Attempt {
    const attempt = this.deps.attempts.get(attemptId);
    if (!attempt) throw new AppError('not_found', 'That payment was not found. Please start again.');
    assertCanSeeInvoice(payer, { id: attempt.invoiceId, customerId: attempt.customerId });
    if (payer.kind !== 'staff' && payer.customerId !== attempt.customerId)
      throw new AppError('not_found', 'That payment was not found. Please start again.');
    return attempt;
  }

  private async pay(payer: Payer, req: PayRequest, choice: MethodChoice, fromQueue = false): Promise<PaymentOutcome> {
    this.ownedAttempt(payer, req.attemptId);
    if (this.inFlight.has(req.attemptId)) throw new AppError('conflict', 'This payment is already being sent. Please wait.');
    this.inFlight.add(req.attemptId);
    try {
      return await this.payExclusive(payer, req, choice, fromQueue);
    } finally {
      this.inFlight.delete(req.attemptId);
    }
  }

  private async payExclusive(payer: Payer, req: PayRequest, choice: MethodChoice, fromQueue: boolean): Promise<PaymentOutcome> {
    const { gateway, attempts } = this.deps;
    let attempt = this.ownedAttempt(payer, req.attemptId);
    if (attempt.status === 'queued' && !fromQueue && attempt.outcome) return attempt.outcome; // already waiting in the queue
    let prepared: { paymentMethodId: string; type: PaymentType; fallback: MethodSummary | null } | PaymentOutcome;
    try {
      const { settled, declined } = await this.reconcile(attempt);
      if (settled) return settled;
      if (declined && fromQueue) return declined; // a queued charge that was declined is not tried again by itself
      attempt = attempts.get(attempt.id)!;
      if (SETTLED.has(attempt.status) && attempt.outcome) return attempt.outcome; // a second click: same answer, no second charge
      if (attempt.status === 'sending') throw new AppError('conflict', 'This payment is already being sent. Please wait.');
      if (attempt.status === 'canceled')
        throw new AppError('conflict', 'This payment page was closed. Please start again from the invoice.');
      prepared = await this.prepare(attempt, req, choice);
    } catch (err) {
      if (err instanceof GatewayError && err.retryable && choice.kind === 'saved' && !fromQueue && this.deps.outbox) {
        return this.enqueueCharge(attempt, {
          attemptId: attempt.id,
          paymentMethodId: choice.paymentMethodId,
          amount: req.amount,
          nameOnAccount: req.nameOnAccount,
          postalCode: req.postalCode,
        });
      }
      throw err;
    }
    if ('status' in prepared) return prepared;
    const { paymentMethodId, type, fallback } = prepared;

    const save = choice.kind !== 'saved' && choice.save;
    const intent = intentFor(attempt, req.amount, type, save);
    const step = attempts.beginStep(
      attempt.id,
      'confirm',
      req.amount,
      paymentMethodId,
      attempt.paymentIntentId ? null : JSON.stringify(intent),
      fromQueue,
    );
    if (!step) throw new AppError('conflict', 'This payment is already being sent. Please wait.');
    this.crash('payments:after-step-begun');

    try {
      let pi = attempt.paymentIntentId
        ? await gateway.retrieveIntent(attempt.paymentIntentId)
        : await this.createAndAttach(attempt, step, intent);
      if (pi.amount !== req.amount && pi.status === 'requires_payment_method') {
        pi = await gateway.updateIntentAmount(pi.id, req.amount, { idempotencyKey: keyFor(attempt.id, `amount:${step.step}`) });
      }
      pi = await gateway.confirmIntent(
        pi.id,
        {
          paymentMethodId,
          offSession: choice.kind === 'saved',
          saveForFuture: save,
          mandate: type === 'us_bank_account' ? { ipAddress: '127.0.0.1', userAgent: `payment-kiosk/${attempt.stationId}` } : null,
        },
        { idempotencyKey: step.idempotencyKey },
      );
      this.crash('payments:after-confirm');
      const { status, outcome } = outcomeOf(pi, attempt, fallback, save && pi.status !== 'requires_payment_method');
      if (save && (status === 'succeeded' || status === 'processing' || status === 'requires_verification'))
        await this.makeDefaultForAutopay(attempt.customerId, paymentMethodId);
      attempts.finishStep(step, status, pi.id, outcome);
      return outcome;
    } catch (err) {
      if (err instanceof GatewayError && err.retryable) {
        attempts.markUnknown(attempt.id); // the step stays open: the next try reconciles it first
        throw new AppError(
          'stripe_unavailable',
          'We could not reach the payment service. You have not been charged twice. Please try again.',
        );
      }
      const outcome =
        err instanceof GatewayError && err.kind === 'card'
          ? failedOutcome(attempt, declineReason(err.details.code, err.details.declineCode))
          : null;
      attempts.finishStep(step, 'failed', null, outcome);
      if (outcome) return outcome;
      throw err;
    }
  }

  /** Reads what the charge needs from Stripe: the amount still due, and the method (created or checked). */
  private async prepare(
    attempt: Attempt,
    req: PayRequest,
    choice: MethodChoice,
  ): Promise<{ paymentMethodId: string; type: PaymentType; fallback: MethodSummary | null } | PaymentOutcome> {
    const { gateway } = this.deps;
    const invoice = await gateway.retrieveInvoice(attempt.invoiceId);
    if (!invoice) throw new AppError('not_found', 'That invoice was not found.');
    this.checkAmount(req.amount, invoice.amountRemaining, invoice.currency);
    const billing = { name: req.nameOnAccount, postalCode: req.postalCode };
    try {
      if (choice.kind === 'saved') {
        const pm = await gateway.retrieveMethod(choice.paymentMethodId);
        if (!pm || pm.customerId !== attempt.customerId || !pm.summary)
          throw new AppError('not_found', 'That saved payment method was not found.', 'paymentMethodId');
        return {
          paymentMethodId: choice.paymentMethodId,
          type: pm.summary.type === 'us_bank_account' ? 'us_bank_account' : 'card',
          fallback: pm.summary,
        };
      }
      if (choice.kind === 'new-card')
        return { paymentMethodId: await gateway.createCardMethod(choice.card, billing), type: 'card', fallback: null };
      return { paymentMethodId: await gateway.createBankMethod(choice.bankAccount, billing), type: 'us_bank_account', fallback: null };
    } catch (err) {
      if (err instanceof GatewayError && (err.kind === 'invalid' || err.kind === 'card')) {
        if (choice.kind === 'new-bank')
          return failedOutcome(attempt, 'bank_account_problem', 'The routing or account number is not valid.');
        const reason = declineReason(err.details.code, err.details.declineCode);
        return failedOutcome(attempt, reason === 'other' ? 'incorrect_number' : reason);
      }
      throw err;
    }
  }

  private checkAmount(amount: number, remaining: number, currency: string): void {
    if (amount <= remaining) return;
    throw new AppError(
      'invalid_request',
      remaining === 0 ? 'This invoice is already paid.' : `The amount is more than the ${formatMoney(remaining, currency)} still due.`,
      'amount',
    );
  }

  /**
   * Stripe cannot be reached: a charge to a saved method the customer chose may wait in the
   * durable queue (within the offline limits). Checked against what was due when the page opened
   * and the last synced copy of the customer's methods; checked again against Stripe when sent.
   */
  private enqueueCharge(attempt: Attempt, charge: QueuedCharge): PaymentOutcome {
    const outbox = this.deps.outbox!;
    this.checkAmount(charge.amount, attempt.invoiceRemaining, attempt.currency);
    const method = this.deps.localCopy?.paymentMethodsForCustomer(attempt.customerId).find((m) => m.id === charge.paymentMethodId);
    if (!method)
      throw new AppError(
        'stripe_unavailable',
        'The payment service cannot be reached right now, and this payment cannot wait. Please try again in a moment.',
      );
    const queued = this.deps.attempts.atomically(() => {
      const item = outbox.enqueue({
        kind: 'saved_method_charge',
        customerId: attempt.customerId,
        payload: charge,
        amount: charge.amount,
        currency: attempt.currency,
        createdBy: attempt.staffId ?? attempt.channel,
        stationId: attempt.stationId,
      });
      const outcome: PaymentOutcome = {
        status: 'queued',
        attemptId: attempt.id,
        invoiceId: attempt.invoiceId,
        invoiceNumber: attempt.invoiceNumber,
        amount: charge.amount,
        currency: attempt.currency,
        method: {
          type: method.type,
          brand: method.brand,
          last4: method.last4,
          bankName: method.bankName,
          expMonth: method.expMonth,
          expYear: method.expYear,
        },
        confirmation: item.id,
        savedForAutopay: false,
      };
      this.deps.attempts.setStatus(attempt.id, 'queued', outcome);
      return outcome;
    });
    this.crash('outbox:after-enqueue');
    return queued;
  }

  /** The outbox's sender for queued saved-method charges. */
  queuedChargeSender(): OutboxHandler {
    return {
      send: async (item): Promise<SendResult> => {
        const charge = item.payload as QueuedCharge;
        const attempt = this.deps.attempts.get(charge.attemptId);
        if (!attempt) return { kind: 'review', reason: 'The payment this item belongs to is missing from this station.' };
        const payer: Payer = { kind: 'customer', customerId: attempt.customerId };
        try {
          const outcome = await this.pay(payer, charge, { kind: 'saved', paymentMethodId: charge.paymentMethodId }, true);
          if (outcome.status === 'failed') {
            return {
              kind: 'review',
              reason: `Declined after the fact: ${outcome.message} Nothing was charged. Please contact the customer.`,
              result: outcome,
            };
          }
          return { kind: 'sent', result: outcome };
        } catch (err) {
          if (err instanceof AppError && err.code === 'stripe_unavailable') return { kind: 'retry', error: 'Stripe could not be reached.' };
          if (err instanceof GatewayError && err.retryable) return { kind: 'retry', error: 'Stripe could not be reached.' };
          if (err instanceof AppError && err.field === 'amount') {
            this.deps.attempts.setStatus(attempt.id, 'canceled', null);
            return {
              kind: 'review',
              reason: `The invoice was paid elsewhere or its balance changed meanwhile (${err.message}). Nothing was charged.`,
            };
          }
          if (err instanceof AppError && err.field === 'paymentMethodId') {
            this.deps.attempts.setStatus(attempt.id, 'canceled', null);
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

  private get crash(): CrashPoint {
    return this.deps.crashPoint ?? noCrashPoints;
  }

  private async createAndAttach(attempt: Attempt, step: Step, intent: NewIntent): Promise<IntentView> {
    const pi = await this.deps.gateway.createIntent(intent, { idempotencyKey: keyFor(attempt.id, `create:${step.step}`) });
    await this.deps.gateway.attachPaymentToInvoice(attempt.invoiceId, pi.id, { idempotencyKey: keyFor(attempt.id, `attach:${pi.id}`) });
    return pi;
  }

  /**
   * Settles steps that were sent but whose answer was never recorded: replays the create with its
   * stored key and parameters (Stripe answers with the same intent), then reads the intent. A
   * payment that went through is recorded and returned, so it is never charged again.
   */
  private async reconcile(attempt: Attempt): Promise<{ settled: PaymentOutcome | null; declined: PaymentOutcome | null }> {
    const { gateway, attempts } = this.deps;
    let settled: PaymentOutcome | null = null;
    let declined: PaymentOutcome | null = null;
    for (const step of attempts.unfinishedSteps(attempt.id)) {
      let intentId = attempt.paymentIntentId;
      if (!intentId && step.createParams) {
        const pi = await gateway.createIntent(JSON.parse(step.createParams) as NewIntent, {
          idempotencyKey: keyFor(attempt.id, `create:${step.step}`),
        });
        await gateway.attachPaymentToInvoice(attempt.invoiceId, pi.id, { idempotencyKey: keyFor(attempt.id, `attach:${pi.id}`) });
        intentId = pi.id;
        attempts.setIntent(attempt.id, pi.id);
        attempt = attempts.get(attempt.id)!;
      }
      if (!intentId) {
        attempts.finishStep(step, 'failed', null, null);
        continue;
      }
      const pi = await gateway.retrieveIntent(intentId);
      const { status, outcome } = outcomeOf(pi, attempt, null, false);
      if (status === 'failed' && pi.status === 'requires_payment_method' && !pi.lastError) {
        attempts.finishStep(step, 'failed', pi.id, null); // never confirmed: nothing happened, the customer may try again
      } else {
        attempts.finishStep(step, status, pi.id, outcome);
        if (status !== 'failed') settled = outcome;
        else declined = outcome;
      }
    }
    if (!settled && attempts.get(attempt.id)?.status === 'unknown') attempts.setStatus(attempt.id, 'open', null);
    return { settled, declined };
  }

  private async makeDefaultForAutopay(customerId: string, paymentMethodId: string): Promise<void> {
    try {
      await this.deps.gateway.setDefaultMethod(customerId, paymentMethodId);
      await this.deps.gateway.setAutopay(customerId, true);
    } catch (err) {
      // The payment itself went through; the customer can set autopay from the Invoices tab.
      this.deps.log.warn('could not make the new method the autopay default', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** The PaymentIntent an attempt creates: its metadata ties it to the invoice, the attempt, the station and staff. */
function intentFor(attempt: Attempt, amount: number, type: PaymentType, saveForFuture: boolean): NewIntent {
  return {
    amount,
    currency: attempt.currency,
    customerId: attempt.customerId,
    type,
    saveForFuture,
    description: `Invoice ${attempt.invoiceNumber ?? attempt.invoiceId}`,
    metadata: {
      invoice_id: attempt.invoiceId,
      invoice_number: attempt.invoiceNumber ?? '',
      attempt_id: attempt.id,
      station_id: attempt.stationId,
      staff_id: attempt.staffId ?? '',
      channel: attempt.channel,
      ...(saveForFuture ? { save_for_autopay: 'true' } : {}),
    },
  };
}

function microdepositMessage(code: string | undefined): string {
  if (code?.includes('attempts_exceeded')) return 'Too many wrong codes. Please ask at the front desk.';
  if (code?.includes('timeout')) return 'The time to verify this account has passed. Please pay another way or ask at the front desk.';
  return 'That code does not match. Check the 6-character code on your bank statement (it starts with SM) and try again.';
}

export { DECLINE_MESSAGES };
