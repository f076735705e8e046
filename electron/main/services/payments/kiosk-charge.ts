/**
 * One invoice's part of a card or bank payment (saved method, new card, new bank account), through
 * the invoice guard:
 *
 *   card: create + confirm with manual capture (authorized) → register on the invoice → decide → capture
 *   bank: create (not confirmed)                            → register on the invoice → decide → confirm
 *
 * Three requests in a row: two is what Stripe needs to charge and credit an invoice; the third (the
 * capture or confirm after the guard agreed) is what makes a second station's payment for the same
 * invoice impossible to take twice. A decline costs one request. Every request carries a key derived
 * from the part's step, stored before the first one; `resume` finishes a step whose answer was lost.
 */
import type { MethodSummary, NewBankAccount, NewCard, PaymentType } from '../../../shared/contract';
import { intentMeaning } from '../../../shared/payment-rules';
import { staffNameValue, writeIntentMetadata, writeRefundMetadata } from '../../../shared/stripe-metadata';
import { GatewayError, type IntentView, type StripeGateway } from '../../stripe/gateway';
import type { Clock } from '../clock';
import { noCrashPoints, type CrashPoint } from '../crash-points';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { CAPTURE_WITHIN_S, decide, overpaidIntents } from './invoice-guard';
import type { Allocation, Payment, PaymentLedger, Step } from './ledger';
import { declineReason, failedPart, partFromIntent, type PartResult } from './outcomes';

/** How the part is paid. */
export type ChargeMethod =
  /** A method at Stripe already: saved on file, or just created for a several-invoice payment. */
  | { kind: 'saved'; paymentMethodId: string; type: PaymentType; summary: MethodSummary | null; offSession: boolean; save: boolean }
  /** Training mode: card details inline, in this one request (never stored). */
  | { kind: 'new-card'; card: NewCard; billing: { name: string; postalCode: string }; save: boolean }
  | { kind: 'new-bank'; bankAccount: NewBankAccount; billing: { name: string; postalCode: string }; save: boolean };

export const methodType = (m: ChargeMethod): PaymentType =>
  m.kind === 'saved' ? m.type : m.kind === 'new-card' ? 'card' : 'us_bank_account';

export interface KioskChargeDeps {
  gateway: StripeGateway;
  ledger: PaymentLedger;
  clock: Clock;
  log: Logger;
  crashPoint?: CrashPoint;
  /** What this station has queued for the invoice that Stripe does not know yet (not counting this payment). */
  waitingHere: (invoiceId: string, paymentId: string) => number;
  staffName?: (id: string) => string | null;
  /** A captured part was given back because the invoice had been paid by another payment at the same moment. */
  onOverpaid?: (paymentId: string, seq: number, refunded: number) => void;
  /** How long after a capture the invoice is read again for an overpayment (ms, default 1500). */
  verifyAfterMs?: number;
}

const MANDATE = (stationId: string) => ({ ipAddress: '127.0.0.1', userAgent: `payment-kiosk/${stationId}` });

export class KioskCharges {
  constructor(private readonly deps: KioskChargeDeps) {}

  private get crash(): CrashPoint {
    return this.deps.crashPoint ?? noCrashPoints;
  }

  /** Charges one invoice's part. A lost answer throws `payment_outcome_unknown` with the step left for `resume`. */
  async run(payment: Payment, previous: Allocation, amount: number, method: ChargeMethod): Promise<PartResult> {
    const { gateway, ledger } = this.deps;
    // A new intent for this try: nothing of an earlier try's intent carries over.
    const alloc: Allocation = { ...previous, amount, status: 'sending', paymentIntentId: null, attached: false, outcome: null };
    const type = methodType(method);
    const step = ledger.beginStep(payment.id, {
      kind: 'charge',
      seq: alloc.seq,
      amount,
      paymentMethodId: method.kind === 'saved' ? method.paymentMethodId : null,
    });
    ledger.updateAllocation(payment.id, alloc.seq, { status: 'sending', amount, paymentIntentId: null, attached: false, outcome: null });
    this.crash('payments:after-step-begun');
    return this.guarded(payment, alloc, step, async () => {
      const card = type === 'card';
      const pi = await gateway.charge(
        {
          amount,
          currency: payment.currency,
          customerId: payment.customerId,
          type,
          description: alloc.invoiceNumber ? `Invoice ${alloc.invoiceNumber}` : 'Invoice payment',
          metadata: this.metadata(payment, alloc, step, method.save),
          saveForFuture: method.save,
          ...(method.kind === 'saved' ? { paymentMethodId: method.paymentMethodId } : {}),
          ...(method.kind === 'new-card' ? { card: method.card, billing: method.billing } : {}),
          ...(method.kind === 'new-bank' ? { bankAccount: method.bankAccount, billing: method.billing } : {}),
          // A card is authorized now and captured once the guard agrees; a bank debit is confirmed then.
          confirm: card,
          captureManual: card,
          offSession: card && method.kind === 'saved' && method.offSession,
          mandate: null,
        },
        { idempotencyKey: step.idempotencyKey },
      );
      return this.afterCreate(payment, alloc, step, pi, amount, method.kind === 'saved' && method.offSession, method.save);
    });
  }

  /**
   * Finishes a step whose answer was lost (or that a crash interrupted): finds its intent (by the
   * allocation, or by its metadata when even the create's answer was lost) and carries on from where
   * Stripe has it. Returns null when the step never reached Stripe (nothing happened).
   */
  async resume(payment: Payment, step: Step): Promise<PartResult | null> {
    const { gateway, ledger } = this.deps;
    const alloc = payment.allocations.find((a) => a.seq === (step.seq ?? 1));
    if (!alloc || !alloc.invoiceId) {
      ledger.finishStep(step, 'not_sent');
      return null;
    }
    return this.guarded(payment, alloc, step, async () => {
      const pi = await this.findIntent(payment, alloc, step);
      if (!pi) {
        ledger.finishStep(step, 'not_sent');
        ledger.updateAllocation(payment.id, alloc.seq, { status: 'pending' });
        return null;
      }
      ledger.updateAllocation(payment.id, alloc.seq, { paymentIntentId: pi.id });
      const meaning = intentMeaning(pi.status);
      // Older versions of the app confirmed at once: an intent they left open was never charged.
      const legacy = step.kind !== 'charge';
      if (legacy && (meaning === 'open' || meaning === 'canceled')) {
        ledger.finishStep(step, pi.lastError ? 'failed' : 'not_sent', pi.id);
        return pi.lastError ? this.record(payment, alloc, step, pi, step.amount) : null;
      }
      if ((meaning === 'authorized' || pi.status === 'requires_confirmation') && this.nowSec() - pi.created > CAPTURE_WITHIN_S) {
        // Too late to capture safely: other stations no longer count this hold. Released, nothing charged.
        await gateway.cancelIntent(pi.id, { idempotencyKey: `${step.idempotencyKey}:release` });
        return this.released(payment, alloc, step, pi, step.amount, null);
      }
      const offSession = step.paymentMethodId !== null && pi.method?.type === 'card';
      return this.afterCreate(payment, alloc, step, pi, step.amount, offSession, pi.metadata['save_for_autopay'] === 'true');
    });
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs a part's requests; a lost answer leaves the step open (unknown) and says so. */
  private async guarded<T>(payment: Payment, alloc: Allocation, step: Step, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GatewayError && err.retryable) {
        this.deps.ledger.updateAllocation(payment.id, alloc.seq, { status: 'unknown' });
        throw AppError.because('payment_outcome_unknown', { message: `no answer for ${step.idempotencyKey}` });
      }
      if (err instanceof GatewayError && (err.kind === 'card' || err.kind === 'invalid')) {
        // Refused before any money moved (a bad card number, a method Stripe will not use).
        this.deps.ledger.finishStep(step, 'failed');
        const reason = declineReason(err.details.code, err.details.declineCode);
        const result = failedPart(this.base(alloc, step.amount), reason === 'other' && err.kind === 'card' ? 'card_declined' : reason);
        this.deps.ledger.updateAllocation(payment.id, alloc.seq, { status: 'failed', outcome: null });
        return result as T;
      }
      throw err;
    }
  }

  private async afterCreate(
    payment: Payment,
    alloc: Allocation,
    step: Step,
    created: IntentView,
    amount: number,
    offSession: boolean,
    save: boolean,
  ): Promise<PartResult> {
    const { gateway, ledger } = this.deps;
    let pi = created;
    ledger.updateAllocation(payment.id, alloc.seq, { paymentIntentId: pi.id });
    const meaning = intentMeaning(pi.status);
    const unconfirmedBank =
      pi.status === 'requires_confirmation' || (pi.status === 'requires_payment_method' && !pi.lastError && !!pi.paymentMethodId);
    if (meaning === 'succeeded' || meaning === 'processing' || (meaning === 'needs_action' && pi.microdeposits)) {
      return this.record(payment, alloc, step, pi, amount);
    }
    if (meaning === 'canceled') return this.released(payment, alloc, step, pi, amount, null);
    if (meaning === 'needs_action' || (meaning === 'open' && !unconfirmedBank)) {
      // Declined, or a step (3-D Secure) the kiosk cannot do: nothing is held, nothing charged.
      if (meaning === 'needs_action') await gateway.cancelIntent(pi.id, { idempotencyKey: `${step.idempotencyKey}:release` });
      return this.record(payment, alloc, step, pi, amount);
    }
    // Authorized (card) or created (bank): register on the invoice, then let the guard decide.
    let remaining: number;
    try {
      // Registered already (the Payment Element's intent, or a step a crash interrupted): read the invoice as it is now.
      const guarded = alloc.attached
        ? await gateway.guardedInvoice(alloc.invoiceId!)
        : await gateway.registerIntent(alloc.invoiceId!, pi.id, { idempotencyKey: `${step.idempotencyKey}:register` });
      ledger.updateAllocation(payment.id, alloc.seq, { attached: true });
      this.crash('payments:after-register');
      const decision = guarded ? decide(guarded, pi.id, amount, this.nowSec(), this.deps.waitingHere(alloc.invoiceId!, payment.id)) : null;
      remaining = decision === null ? 0 : decision.ok ? -1 : decision.available;
    } catch (err) {
      // Stripe refuses to attach to an invoice that is no longer open (paid, voided meanwhile): released.
      // Any other refusal releases the authorization too, and is reported as it is.
      const invoiceState = err instanceof GatewayError && err.kind === 'invalid' && (err.details.code ?? '').startsWith('invoice_');
      if (!invoiceState) {
        await gateway.cancelIntent(pi.id, { idempotencyKey: `${step.idempotencyKey}:release` }).catch(() => undefined);
        throw err;
      }
      remaining = 0;
    }
    if (remaining >= 0) {
      await gateway.cancelIntent(pi.id, { idempotencyKey: `${step.idempotencyKey}:release` });
      return this.released(payment, alloc, step, pi, amount, remaining);
    }
    if (meaning === 'authorized') {
      pi = await gateway.captureIntent(pi.id, { idempotencyKey: `${step.idempotencyKey}:capture` });
    } else {
      pi = await gateway.confirmIntent(
        pi.id,
        { paymentMethodId: pi.paymentMethodId!, offSession, saveForFuture: save, mandate: MANDATE(payment.stationId) },
        { idempotencyKey: `${step.idempotencyKey}:confirm` },
      );
    }
    this.crash('payments:after-confirm');
    const result = this.record(payment, alloc, step, pi, amount);
    if (pi.status === 'succeeded') this.verifySoon(payment, alloc, step, pi.id);
    return result;
  }

  /**
   * After the answer, off the critical path: was the captured part applied, or had the invoice been paid
   * by another payment at the same moment (cash recorded at another station between this part's
   * registration and its capture)? Then Stripe holds money credited nowhere, and the part is refunded
   * (the stations agree which payment gives it back: invoice-guard `overpaidIntents`).
   */
  private verifySoon(payment: Payment, alloc: Allocation, step: Step, paymentIntentId: string): void {
    const { gateway, ledger, log } = this.deps;
    const timer = setTimeout(() => {
      void (async () => {
        const guarded = await gateway.guardedInvoice(alloc.invoiceId!);
        const mine = guarded ? overpaidIntents(guarded).find((x) => x.paymentIntentId === paymentIntentId) : undefined;
        if (!mine) return;
        await gateway.refundIntent(
          paymentIntentId,
          mine.amount,
          writeRefundMetadata({ station_id: payment.stationId, request_id: `overpaid:${payment.id}:${alloc.seq}` }),
          { idempotencyKey: `${step.idempotencyKey}:overpaid` },
        );
        if (mine.amount >= alloc.amount) ledger.updateAllocation(payment.id, alloc.seq, { status: 'released' });
        log.warn('an invoice paid twice at the same moment: this part was refunded', {
          payment: payment.id,
          invoice: alloc.invoiceId,
          amount: mine.amount,
        });
        this.deps.onOverpaid?.(payment.id, alloc.seq, mine.amount);
      })().catch((err: unknown) => log.warn('could not check a captured part for an overpayment', { error: String(err) }));
    }, this.deps.verifyAfterMs ?? 1500);
    timer.unref();
  }

  /** Records what the intent came to, in one commit with the step's end. */
  private record(payment: Payment, alloc: Allocation, step: Step, pi: IntentView, amount: number): PartResult {
    const result = partFromIntent(pi, { invoiceId: alloc.invoiceId!, invoiceNumber: alloc.invoiceNumber }, amount);
    this.deps.ledger.atomically(() => {
      this.deps.ledger.finishStep(step, result.status, pi.id);
      this.deps.ledger.updateAllocation(payment.id, alloc.seq, { status: result.status, paymentIntentId: pi.id });
    });
    return result;
  }

  /** The guard said no (or Stripe would not attach): released, nothing charged; `remaining` is what the invoice can still take. */
  private released(payment: Payment, alloc: Allocation, step: Step, pi: IntentView, amount: number, remaining: number | null): PartResult {
    this.deps.ledger.atomically(() => {
      this.deps.ledger.finishStep(step, 'released', pi.id);
      this.deps.ledger.updateAllocation(payment.id, alloc.seq, { status: 'released' });
    });
    this.deps.log.info('a payment part was released: the invoice had changed', {
      payment: payment.id,
      invoice: alloc.invoiceId,
      remaining,
    });
    // Nothing left on it: another payment paid it; otherwise its balance changed under the customer.
    const reason = remaining === 0 ? 'paid_elsewhere' : 'amount_changed';
    const result = failedPart(this.base(alloc, amount), reason, pi.method, pi.paymentMethodId);
    return { ...result, remaining };
  }

  private async findIntent(payment: Payment, alloc: Allocation, step: Step): Promise<IntentView | null> {
    const { gateway } = this.deps;
    if (alloc.paymentIntentId) return gateway.retrieveIntent(alloc.paymentIntentId);
    if (step.createParams) {
      // An older version of the app stored the create's parameters: replaying them with the same key
      // answers the intent it made (Stripe keeps keys for 24 hours), never a second one.
      const legacyKey = `${payment.keyBase}:create:${step.step}`;
      return gateway.createIntent(JSON.parse(step.createParams) as Parameters<StripeGateway['createIntent']>[0], {
        idempotencyKey: legacyKey,
      });
    }
    const recent = await gateway.listIntentsForCustomer(payment.customerId, 50);
    return (
      recent.find(
        (pi) =>
          (pi.metadata['payment_id'] === payment.id || pi.metadata['attempt_id'] === payment.id) &&
          (pi.metadata['payment_step'] === String(step.step) || pi.metadata['payment_step'] === undefined) &&
          pi.metadata['invoice_id'] === alloc.invoiceId,
      ) ?? null
    );
  }

  private metadata(payment: Payment, alloc: Allocation, step: Step, save: boolean): Record<string, string> {
    return writeIntentMetadata({
      payment_id: payment.id,
      payment_step: String(step.step),
      invoice_id: alloc.invoiceId ?? undefined,
      invoice_number: alloc.invoiceNumber ?? undefined,
      station_id: payment.stationId,
      staff_id: payment.staffId ?? undefined,
      staff_name: payment.staffId ? staffNameValue(this.deps.staffName?.(payment.staffId)) : undefined,
      channel: payment.channel,
      save_for_autopay: save ? 'true' : undefined,
    });
  }

  private base(alloc: Allocation, amount: number) {
    return { invoiceId: alloc.invoiceId!, invoiceNumber: alloc.invoiceNumber, amount };
  }

  private nowSec(): number {
    return Math.floor(this.deps.clock.now() / 1000);
  }
}
