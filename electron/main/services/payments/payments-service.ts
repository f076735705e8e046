/**
 * The customer's payments at the kiosk (signed in or guest; the desk uses the same core for a
 * card on file): one payment page → one ledger payment, for one invoice or several.
 *
 * A newcomer's path from the button to Stripe: PayView → stores/checkout → api/portal → ipc/payments
 * → PaymentsService.pay* → plan (shared/payment-rules `allocate`) → claim the invoices on this station
 * (invoice-guard `InvoiceClaims`) → KioskCharges.run per invoice (stripe/gateway: charge, registerIntent,
 * capture/confirm) → the outcome, recorded in the ledger.
 *
 * Exactly-once: every money-moving request carries an idempotency key derived from a step committed
 * before it is sent; a payment has one pay in flight; a settled payment answers every later try with
 * what it recorded; an invoice is claimed by one payment at a time on this station, and across
 * stations the invoice guard releases a payment the invoice can no longer take; a lost answer is
 * reconciled (in the background within seconds, and before any new try).
 */
import type { MethodSummary, PaymentOutcome, PaymentStart, PaymentType, PendingVerification } from '../../../shared/contract';
import { allocate, isPayable, minimumCharge, payOrder, type PayableInvoice } from '../../../shared/payment-rules';
import { writeIntentMetadata } from '../../../shared/stripe-metadata';
import { GatewayError, type StripeGateway } from '../../stripe/gateway';
import type { Clock } from '../clock';
import { noCrashPoints, type CrashPoint } from '../crash-points';
import { AppError } from '../errors';
import type { LocalStore } from '../local-store/local-store';
import type { Logger } from '../logger';
import { onlineOr } from '../offline';
import type { Outbox } from '../outbox/outbox';
import { decide, type InvoiceClaims } from './invoice-guard';
import { KioskCharges, methodType, type ChargeMethod } from './kiosk-charge';
import { ALLOCATION_DONE, SETTLED, type Allocation, type Payment, type PaymentLedger, type Tender } from './ledger';
import { failedOutcome, groupOutcome, partFromIntent, type PartResult } from './outcomes';
import { assertCanSeeInvoice, type Payer } from './payer';
import { QueuedCharges, type QueuedCharge } from './queued-charges';
import { Reconciler } from './reconciler';

export type { QueuedCharge };

export interface PaymentsDeps {
  gateway: StripeGateway;
  ledger: PaymentLedger;
  claims: InvoiceClaims;
  clock: Clock;
  log: Logger;
  trainingMode: boolean;
  stationId: () => string;
  publishableKey: () => string | null;
  /** Where a saved-method charge waits while Stripe is unreachable. */
  outbox?: Outbox;
  /** The local copy, read when Stripe cannot be reached (what is due, who the customer is, their methods). */
  localCopy?: LocalStore;
  /** The connectivity monitor's view: false while Stripe is known to be unreachable. */
  online?: () => boolean;
  crashPoint?: CrashPoint;
  staffName?: (id: string) => string | null;
  /** Told when a payment whose answer was lost has been settled in the background. */
  onSettled?: (paymentId: string, outcome: PaymentOutcome) => void;
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

/** At most this many invoices in one payment (Stripe inlines 10 payments per invoice; this is about the screen). */
export const MAX_INVOICES_PER_PAYMENT = 20;

const TENDER: Record<MethodChoice['kind'], Tender> = { saved: 'saved_method', 'new-card': 'new_card', 'new-bank': 'new_bank' };

export class PaymentsService {
  /** Payments with a pay in flight in this process: a second call is refused at once and charges nothing. */
  private readonly inFlight = new Set<string>();
  private readonly charges: KioskCharges;
  private readonly queued: QueuedCharges;
  readonly reconciler: Reconciler;

  constructor(private readonly deps: PaymentsDeps) {
    this.charges = new KioskCharges({
      gateway: deps.gateway,
      ledger: deps.ledger,
      clock: deps.clock,
      log: deps.log,
      ...(deps.crashPoint ? { crashPoint: deps.crashPoint } : {}),
      ...(deps.staffName ? { staffName: deps.staffName } : {}),
      waitingHere: (invoiceId, paymentId) => deps.ledger.waitingFor(invoiceId, paymentId),
      onOverpaid: (paymentId, seq, refunded) => this.overpaid(paymentId, seq, refunded),
    });
    this.queued = new QueuedCharges({
      ledger: deps.ledger,
      localCopy: deps.localCopy,
      outbox: deps.outbox,
      crash: () => this.crash,
      pay: (payer, req, paymentMethodId) => this.pay(payer, req, { kind: 'saved', paymentMethodId }, true),
    });
    this.reconciler = new Reconciler({
      ledger: deps.ledger,
      charges: this.charges,
      clock: deps.clock,
      log: deps.log,
      isBusy: (id) => this.inFlight.has(id),
      settle: (payment, parts) => this.settle(payment, parts),
      ...(deps.onSettled ? { onSettled: deps.onSettled } : {}),
    });
  }

  /** Opens a payment for one invoice or several of the payer's (oldest due first). */
  async start(payer: Payer, invoiceIds: string | readonly string[]): Promise<PaymentStart> {
    const { gateway, ledger, localCopy } = this.deps;
    const ids = [...new Set(typeof invoiceIds === 'string' ? [invoiceIds] : invoiceIds)];
    if (ids.length === 0) throw AppError.because('no_invoices_chosen', { field: 'invoiceIds' });
    if (ids.length > MAX_INVOICES_PER_PAYMENT) throw AppError.because('invalid_input', { field: 'invoiceIds' });
    const customerId = payer.kind === 'staff' ? null : payer.customerId;
    // The invoices and the customer's billing details in parallel; the local copy when Stripe cannot be reached.
    const [invoices, customer] = await Promise.all([
      Promise.all(
        ids.map(
          async (id) =>
            (
              await onlineOr(
                () => gateway.retrieveInvoice(id),
                () => localCopy?.getInvoice(id) ?? null,
              )
            ).value,
        ),
      ),
      payer.kind === 'customer' && customerId
        ? onlineOr(
            async () => localCopy?.getCustomer(customerId) ?? (await gateway.retrieveCustomer(customerId)),
            () => localCopy?.getCustomer(customerId) ?? null,
          ).then((r) => r.value)
        : Promise.resolve(null),
    ]);
    for (const inv of invoices) {
      if (!inv) throw AppError.because('invoice_not_found');
      assertCanSeeInvoice(payer, inv);
      if (inv.status === 'paid' || inv.amountRemaining <= 0) throw AppError.because('invoice_already_paid');
      if (!isPayable(inv)) throw AppError.because('invoice_not_payable');
    }
    const list = payOrder(invoices.map((i) => i!));
    const first = list[0]!;
    if (list.some((i) => i.customerId !== first.customerId)) throw AppError.because('invoices_of_other_customer');
    if (list.some((i) => i.currency !== first.currency)) throw AppError.because('invoice_not_payable');
    const payment = ledger.create({
      channel: payer.kind === 'guest' ? 'guest' : payer.kind === 'staff' ? 'desk' : 'kiosk',
      customerId: first.customerId,
      currency: first.currency,
      stationId: this.deps.stationId(),
      staffId: payer.kind === 'staff' ? payer.staffId : null,
      allocations: list.map((i) => ({ invoiceId: i.id, invoiceNumber: i.number, invoiceRemaining: i.amountRemaining })),
    });
    return {
      attemptId: payment.id,
      invoice: first,
      invoices: list,
      total: list.reduce((sum, i) => sum + i.amountRemaining, 0),
      minimumCharge: minimumCharge(first.currency),
      billingName: customer?.name ?? null,
      billingPostalCode: customer?.address?.postalCode ?? null,
      publishableKey: this.deps.trainingMode ? null : this.deps.publishableKey(),
    };
  }

  async paySaved(payer: Payer, req: PayRequest & { paymentMethodId: string }): Promise<PaymentOutcome> {
    if (payer.kind !== 'customer') throw AppError.because('saved_method_needs_sign_in');
    return this.pay(payer, req, { kind: 'saved', paymentMethodId: req.paymentMethodId });
  }

  async payNewCard(
    payer: Payer,
    req: PayRequest & { card: { number: string; expMonth: number; expYear: number; cvc: string }; saveForAutopay: boolean },
  ): Promise<PaymentOutcome> {
    if (!this.deps.trainingMode) throw AppError.because('card_entry_secure_form');
    this.assertCanSave(payer, req.saveForAutopay);
    return this.pay(payer, req, { kind: 'new-card', card: req.card, save: req.saveForAutopay });
  }

  async payNewBankAccount(
    payer: Payer,
    req: PayRequest & { bankAccount: Extract<MethodChoice, { kind: 'new-bank' }>['bankAccount']; saveForAutopay: boolean },
  ): Promise<PaymentOutcome> {
    if (!this.deps.trainingMode) throw AppError.because('bank_entry_secure_form');
    this.assertCanSave(payer, req.saveForAutopay);
    return this.pay(payer, req, { kind: 'new-bank', bankAccount: req.bankAccount, save: req.saveForAutopay });
  }

  /**
   * Live mode: the card or bank details go into Stripe's Payment Element in the window, never
   * through the app. Main creates (or reuses) the part's intent with its stored key, registers it on
   * the invoice (the guard), and hands out only its client secret; the element confirms it (a card
   * is only authorized); `completeLive` then decides again and captures. One invoice per element.
   */
  async createLiveIntent(
    payer: Payer,
    req: PayRequest & { paymentType: PaymentType; saveForAutopay: boolean },
  ): Promise<{ clientSecret: string }> {
    if (this.deps.trainingMode) throw AppError.because('secure_form_live_only');
    this.assertCanSave(payer, req.saveForAutopay);
    const { gateway, ledger } = this.deps;
    const payment = this.owned(payer, req.attemptId);
    if (SETTLED.has(payment.status) || payment.status === 'canceled') throw AppError.because('payment_done');
    const todo = payment.allocations.filter((a) => a.invoiceId && !ALLOCATION_DONE.has(a.status));
    if (todo.length !== 1) throw AppError.because('secure_form_one_invoice');
    const alloc = todo[0]!;
    const plan = allocate(req.amount, [this.asPayable(payment, alloc)]);
    if (!plan.ok) throw AppError.because(plan.refusal.reason, { params: plan.refusal.params, field: 'amount' });
    let pi = alloc.paymentIntentId ? await gateway.retrieveIntent(alloc.paymentIntentId) : null;
    if (pi && pi.status === 'requires_payment_method' && pi.amount !== req.amount) {
      pi = await gateway.updateIntentAmount(pi.id, req.amount, { idempotencyKey: `${payment.keyBase}:amount:${alloc.seq}:${req.amount}` });
    }
    if (!pi || pi.status === 'canceled') {
      const step = ledger.beginStep(payment.id, { kind: 'element', seq: alloc.seq, amount: req.amount });
      ledger.update(payment.id, { tender: 'element', amount: req.amount });
      ledger.updateAllocation(payment.id, alloc.seq, { amount: req.amount, status: 'sending' });
      const card = req.paymentType === 'card';
      pi = await gateway.charge(
        {
          amount: req.amount,
          currency: payment.currency,
          customerId: payment.customerId,
          type: req.paymentType,
          description: alloc.invoiceNumber ? `Invoice ${alloc.invoiceNumber}` : 'Invoice payment',
          metadata: this.liveMetadata(payment, alloc, step.step, req.saveForAutopay),
          saveForFuture: req.saveForAutopay,
          confirm: false,
          captureManual: card,
          offSession: false,
          mandate: null,
        },
        { idempotencyKey: step.idempotencyKey },
      );
      ledger.updateAllocation(payment.id, alloc.seq, { paymentIntentId: pi.id });
      const guarded = await gateway.registerIntent(alloc.invoiceId!, pi.id, { idempotencyKey: `${step.idempotencyKey}:register` });
      ledger.updateAllocation(payment.id, alloc.seq, { attached: true, status: 'pending' });
      ledger.finishStep(step, 'open', pi.id);
      const d = decide(
        guarded,
        pi.id,
        req.amount,
        Math.floor(this.deps.clock.now() / 1000),
        ledger.waitingFor(alloc.invoiceId!, payment.id),
      );
      if (!d.ok) {
        await gateway.cancelIntent(pi.id, { idempotencyKey: `${step.idempotencyKey}:release` });
        ledger.updateAllocation(payment.id, alloc.seq, { status: 'released', paymentIntentId: null, attached: false });
        throw AppError.because('invoice_balance_changed', {
          params: { remaining: d.available, currency: payment.currency },
          field: 'amount',
        });
      }
    }
    if (!pi.clientSecret) throw AppError.because('secure_form_unavailable');
    return { clientSecret: pi.clientSecret };
  }

  /** Live mode: reads what the Payment Element's confirmation did; an authorized card is captured if the invoice still takes it. */
  async completeLive(payer: Payer, attemptId: string): Promise<PaymentOutcome> {
    const { gateway, ledger } = this.deps;
    const payment = this.owned(payer, attemptId);
    if (SETTLED.has(payment.status) && payment.outcome) return payment.outcome;
    const alloc = payment.allocations.find((a) => a.paymentIntentId && !ALLOCATION_DONE.has(a.status));
    if (!alloc) throw AppError.because('payment_not_started');
    if (this.inFlight.has(payment.id)) throw AppError.because('payment_in_flight');
    this.inFlight.add(payment.id);
    const claim = this.deps.claims.claim([alloc.invoiceId!], payment.id);
    if (!claim.ok) {
      this.inFlight.delete(payment.id);
      throw AppError.because('invoice_in_progress', { params: { invoiceNumber: alloc.invoiceNumber ?? '' } });
    }
    try {
      const pi = await gateway.retrieveIntent(alloc.paymentIntentId!);
      const save = pi.metadata['save_for_autopay'] === 'true';
      let result: PartResult;
      if (pi.status === 'requires_capture') {
        // The element authorized the card: the same guard decides, then the capture (a step, so a lost answer resumes).
        const step = ledger.beginStep(payment.id, {
          kind: 'charge',
          seq: alloc.seq,
          amount: pi.amount,
          paymentMethodId: pi.paymentMethodId,
        });
        result = await this.charges.resume(ledger.get(payment.id)!, step).then((r) => r!);
      } else {
        result = partFromIntent(pi, { invoiceId: alloc.invoiceId!, invoiceNumber: alloc.invoiceNumber }, pi.amount);
        ledger.updateAllocation(payment.id, alloc.seq, { status: result.status });
      }
      const outcome = this.settle(ledger.get(payment.id)!, [result], result.method, save);
      if (save && outcome.status !== 'failed') this.makeDefaultSoon(payment.customerId, [result]);
      return outcome;
    } finally {
      claim.release();
      this.inFlight.delete(payment.id);
    }
  }

  private liveMetadata(payment: Payment, alloc: Allocation, step: number, save: boolean): Record<string, string> {
    return writeIntentMetadata({
      payment_id: payment.id,
      payment_step: String(step),
      invoice_id: alloc.invoiceId ?? undefined,
      invoice_number: alloc.invoiceNumber ?? undefined,
      station_id: payment.stationId,
      channel: payment.channel,
      save_for_autopay: save ? 'true' : undefined,
    });
  }

  /** A customer's payments waiting for a micro-deposit code; a guest sees those of their one invoice. */
  async pendingVerifications(payer: Payer): Promise<PendingVerification[]> {
    if (payer.kind === 'staff') return [];
    return this.deps.ledger.pendingVerifications(payer.customerId).flatMap((p) => {
      const o = p.outcome;
      if (!o || o.status !== 'requires_verification') return [];
      if (payer.kind === 'guest' && !p.allocations.some((a) => a.invoiceId === payer.invoiceId)) return [];
      return [
        {
          attemptId: p.id,
          invoiceId: o.invoiceId,
          invoiceNumber: o.invoiceNumber,
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
    const payment = this.owned(payer, attemptId);
    const previous = payment.outcome;
    const waiting = payment.allocations.filter((a) => a.status === 'requires_verification' && a.paymentIntentId);
    if (payment.status !== 'requires_verification' || previous?.status !== 'requires_verification' || waiting.length === 0) {
      throw AppError.because('not_waiting_for_code');
    }
    const upper = code.toUpperCase();
    const parts: PartResult[] = [];
    for (const a of payment.allocations) {
      const prior = previous.parts.find((p) => p.invoiceId === a.invoiceId);
      if (!a.paymentIntentId || a.status !== 'requires_verification') {
        if (prior) parts.push({ part: prior, status: a.status, method: previous.method, arrivalDate: null, paymentMethodId: null });
        continue;
      }
      try {
        const pi = await this.deps.gateway.verifyMicrodeposits(a.paymentIntentId, upper, {
          idempotencyKey: `${payment.keyBase}:verify:${a.seq}:${upper}`,
        });
        const result = partFromIntent(pi, { invoiceId: a.invoiceId!, invoiceNumber: a.invoiceNumber }, a.amount);
        this.deps.ledger.updateAllocation(payment.id, a.seq, { status: result.status });
        parts.push(result);
      } catch (err) {
        if (err instanceof GatewayError && err.kind === 'invalid' && err.details.code?.startsWith('payment_method_microdeposit')) {
          const failed = failedOutcome(payment, 'verification_failed');
          return failed.status === 'failed' ? { ...failed, message: microdepositMessage(err.details.code) } : failed;
        }
        throw err;
      }
    }
    return this.settle(this.deps.ledger.get(payment.id)!, parts, previous.method, previous.savedForAutopay);
  }

  /**
   * The customer left (idle, Done, sign-out): payments they opened and never paid are closed, and an
   * intent left behind after a decline is canceled at Stripe, so nothing half-done stays open.
   * Queued, processing and paid payments are never touched.
   */
  async abandon(paymentIds: readonly string[]): Promise<number> {
    let canceled = 0;
    for (const payment of this.deps.ledger.unsettled(paymentIds)) {
      if (this.inFlight.has(payment.id)) continue;
      try {
        await this.closeLeftovers(payment);
        this.deps.ledger.update(payment.id, { status: 'canceled' });
        canceled++;
      } catch (err) {
        this.deps.log.warn('could not close an abandoned payment; it stays open and harmless', { payment: payment.id, error: String(err) });
      }
    }
    return canceled;
  }

  /** Cancels the intents earlier tries of this payment left open (a decline leaves one; nothing is held by it). */
  private async closeLeftovers(payment: Payment): Promise<void> {
    const live = new Set(payment.allocations.filter((a) => ALLOCATION_DONE.has(a.status)).map((a) => a.paymentIntentId));
    const ids = new Set([
      ...this.deps.ledger.stepIntents(payment.id).map((s) => s.paymentIntentId),
      ...payment.allocations.flatMap((a) => (a.paymentIntentId ? [a.paymentIntentId] : [])),
    ]);
    for (const id of ids) {
      if (live.has(id)) continue;
      const pi = await this.deps.gateway.retrieveIntent(id);
      if (['requires_payment_method', 'requires_confirmation', 'requires_capture'].includes(pi.status)) {
        await this.deps.gateway.cancelIntent(pi.id, { idempotencyKey: `${payment.keyBase}:cancel:${pi.id}` });
      }
    }
  }

  /** After a crash or lost answers: every step sent but never recorded is settled from Stripe. */
  async reconcileAll(): Promise<number> {
    return this.reconciler.all();
  }

  /** The outbox's sender for queued saved-method charges. */
  queuedChargeSender() {
    return this.queued.sender();
  }

  /** The payment as its owner may see it (the live-mode Payment Element path uses it). */
  owned(payer: Payer, paymentId: string): Payment {
    const payment = this.deps.ledger.get(paymentId);
    if (!payment || (payer.kind !== 'staff' && payer.customerId !== payment.customerId)) throw AppError.because('payment_not_found');
    for (const a of payment.allocations) if (a.invoiceId) assertCanSeeInvoice(payer, { id: a.invoiceId, customerId: payment.customerId });
    return payment;
  }

  // ---------------------------------------------------------------------------------------------

  private assertCanSave(payer: Payer, save: boolean): void {
    if (save && payer.kind !== 'customer') throw AppError.because('save_needs_sign_in', { field: 'saveForAutopay' });
  }

  private get crash(): CrashPoint {
    return this.deps.crashPoint ?? noCrashPoints;
  }

  /** One pay at a time per payment, and per invoice on this station. */
  private async pay(payer: Payer, req: PayRequest, choice: MethodChoice, fromQueue = false): Promise<PaymentOutcome> {
    const payment = this.owned(payer, req.attemptId);
    if (this.inFlight.has(payment.id)) throw AppError.because('payment_in_flight');
    this.inFlight.add(payment.id);
    try {
      return await this.payExclusive(payer, payment, req, choice, fromQueue);
    } finally {
      this.inFlight.delete(payment.id);
    }
  }

  private async payExclusive(
    payer: Payer,
    start: Payment,
    req: PayRequest,
    choice: MethodChoice,
    fromQueue: boolean,
  ): Promise<PaymentOutcome> {
    const { ledger } = this.deps;
    if (start.status === 'queued' && !fromQueue && start.outcome) return start.outcome; // already waiting in the queue
    // Anything an earlier try left unanswered is settled first: a second click never charges twice.
    const earlier = await this.reconciler.payment(start.id);
    let payment = ledger.get(start.id)!;
    if (earlier && SETTLED.has(payment.status) && payment.outcome) return payment.outcome;
    if (SETTLED.has(payment.status) && payment.outcome) return payment.outcome;
    if (payment.status === 'canceled') throw AppError.because('payment_page_closed');
    if (payment.status === 'unknown') throw AppError.because('payment_outcome_unknown');
    if (fromQueue && payment.status === 'failed' && payment.outcome?.status === 'failed') return payment.outcome; // a queued charge declined is not tried again by itself

    // What is still to pay: the parts not paid yet, spread oldest due first.
    const todo = payment.allocations.filter((a) => a.invoiceId && !ALLOCATION_DONE.has(a.status));
    const plan = allocate(
      req.amount,
      todo.map((a) => this.asPayable(payment, a)),
    );
    if (!plan.ok) throw AppError.because(plan.refusal.reason, { params: plan.refusal.params, field: 'amount' });
    const parts = plan.parts.map((p) => ({ alloc: todo.find((a) => a.invoiceId === p.invoiceId)!, amount: p.amount }));

    const queue = (): PaymentOutcome =>
      this.queued.enqueue(ledger.get(payment.id)!, {
        attemptId: payment.id,
        paymentMethodId: (choice as { paymentMethodId: string }).paymentMethodId,
        amount: req.amount,
        nameOnAccount: req.nameOnAccount,
        postalCode: req.postalCode,
      });
    const mayQueue = choice.kind === 'saved' && !fromQueue && this.deps.outbox !== undefined;
    if (this.deps.online && !this.deps.online()) {
      // Known to be offline: a saved method's charge may wait in the queue; new details need the line.
      if (mayQueue) return queue();
      if (!fromQueue) throw AppError.because('needs_connection');
    }

    const claim = this.deps.claims.claim(
      parts.map((p) => p.alloc.invoiceId!),
      payment.id,
    );
    if (!claim.ok) throw AppError.because('invoice_in_progress', { params: { invoiceNumber: this.numberOf(payment, claim.invoiceId) } });
    try {
      let method: ChargeMethod;
      try {
        method = await this.methodFor(payment, choice, req, parts.length);
      } catch (err) {
        if (err instanceof GatewayError && (err.kind === 'invalid' || err.kind === 'card')) {
          const reason = choice.kind === 'new-bank' ? 'bank_account_problem' : 'incorrect_number';
          const outcome = failedOutcome(payment, reason);
          ledger.update(payment.id, { status: 'failed', outcome });
          return outcome;
        }
        if (err instanceof GatewayError && err.retryable && mayQueue) return queue();
        throw err;
      }
      ledger.atomically(() => {
        ledger.update(payment.id, {
          status: 'sending',
          amount: req.amount,
          tender: TENDER[choice.kind],
          method: method.kind === 'saved' ? method.summary : null,
        });
        for (const a of todo) ledger.updateAllocation(payment.id, a.seq, { amount: parts.find((p) => p.alloc.seq === a.seq)?.amount ?? 0 });
      });
      payment = ledger.get(payment.id)!;
      // Each invoice's part in parallel: they are different invoices at Stripe.
      const settled = await Promise.allSettled(parts.map((p) => this.charges.run(payment, p.alloc, p.amount, method)));
      const lost = settled.filter((r) => r.status === 'rejected');
      if (lost.length > 0) {
        const err = lost[0]!.reason as unknown;
        if (err instanceof AppError && err.reason === 'payment_outcome_unknown') {
          // Stripe did not answer. With a saved method and nothing else taken, the charge may wait in the
          // queue: before it is sent, the unanswered step is settled from Stripe, so it is charged once.
          if (mayQueue && lost.length === settled.length && this.deps.online && !this.deps.online()) {
            ledger.update(payment.id, { status: 'open' });
            return queue();
          }
          ledger.update(payment.id, { status: 'unknown' });
          this.reconciler.soon(payment.id);
        }
        throw err;
      }
      const results = settled.map((r) => (r as PromiseFulfilledResult<PartResult>).value);
      const outcome = this.settle(ledger.get(payment.id)!, results, method.kind === 'saved' ? method.summary : null, method.save);
      if (fromQueue) this.deps.onSettled?.(payment.id, outcome);
      if (outcome.status !== 'failed') {
        // An earlier try's declined intent is closed now (after the answer, off the critical path).
        const done = ledger.get(payment.id)!;
        this.closeLeftovers(done).catch((err: unknown) => this.deps.log.warn('could not close an earlier try', { error: String(err) }));
      }
      if (method.save && outcome.status !== 'failed') this.makeDefaultSoon(payment.customerId, results);
      if (method.kind === 'saved' && choice.kind !== 'saved' && !method.save) this.forgetSoon(method.paymentMethodId);
      return outcome;
    } finally {
      claim.release();
    }
  }

  /**
   * The payment's outcome from all its parts (those paid before on this page included), recorded
   * in one commit.
   */
  private settle(payment: Payment, latest: PartResult[], method: MethodSummary | null = null, save = false): PaymentOutcome {
    const byInvoice = new Map(latest.map((r) => [r.part.invoiceId, r]));
    const previous = payment.outcome && 'parts' in payment.outcome ? payment.outcome.parts : [];
    const parts: PartResult[] = [];
    for (const a of payment.allocations) {
      if (!a.invoiceId) continue;
      const now = byInvoice.get(a.invoiceId);
      if (now) parts.push(now);
      else {
        const before = previous.find((p) => p.invoiceId === a.invoiceId && p.status !== 'failed');
        if (before && ALLOCATION_DONE.has(a.status))
          parts.push({ part: before, status: a.status, method: null, arrivalDate: null, paymentMethodId: null });
      }
    }
    const remaining = latest.find((r) => r.remaining !== undefined && r.remaining !== null)?.remaining ?? null;
    const { status, outcome } = groupOutcome({
      paymentId: payment.id,
      currency: payment.currency,
      parts,
      method: method ?? payment.method,
      savedForAutopay: save || (payment.outcome?.status !== 'failed' && payment.outcome?.savedForAutopay === true),
      remaining,
    });
    // A payment that failed outright stays open for another try on the same page.
    this.deps.ledger.update(payment.id, {
      status: status === 'failed' ? 'failed' : status,
      outcome,
      ...(outcome.status !== 'failed' ? { method: outcome.method } : {}),
    });
    return outcome;
  }

  /** A captured part was refunded (the invoice had been paid by another payment): the outcome says so, and the window is told. */
  private overpaid(paymentId: string, seq: number, refunded: number): void {
    const payment = this.deps.ledger.get(paymentId);
    const o = payment?.outcome;
    if (!payment || !o || o.status === 'failed') return;
    const a = payment.allocations.find((x) => x.seq === seq)!;
    const parts: PartResult[] = o.parts.map((part) => {
      if (part.invoiceId !== a.invoiceId)
        return { part, status: 'succeeded' as const, method: o.method, arrivalDate: null, paymentMethodId: null };
      if (refunded >= part.amount)
        return {
          part: { ...part, status: 'failed', confirmation: null, reason: 'paid_elsewhere' },
          status: 'released' as const,
          method: o.method,
          arrivalDate: null,
          paymentMethodId: null,
        };
      return {
        part: { ...part, amount: part.amount - refunded },
        status: 'succeeded' as const,
        method: o.method,
        arrivalDate: null,
        paymentMethodId: null,
      };
    });
    const { status, outcome } = groupOutcome({
      paymentId,
      currency: payment.currency,
      parts,
      method: o.method,
      savedForAutopay: o.savedForAutopay,
    });
    this.deps.ledger.update(paymentId, { status, outcome });
    this.deps.onSettled?.(paymentId, outcome);
  }

  /** A part of the payment as the allocation rule reads it (parts are stored oldest due first). */
  private asPayable(payment: Payment, a: Allocation): PayableInvoice {
    return {
      id: a.invoiceId!,
      status: 'open',
      currency: payment.currency,
      amountRemaining: Math.max(0, a.invoiceRemaining - this.deps.ledger.waitingFor(a.invoiceId!, payment.id)),
      dueAt: null,
      issuedAt: a.seq,
      number: a.invoiceNumber,
    };
  }

  private numberOf(payment: Payment, invoiceId: string): string {
    return payment.allocations.find((a) => a.invoiceId === invoiceId)?.invoiceNumber ?? invoiceId;
  }

  /**
   * The method every part is charged with. A saved one is checked against the customer's methods
   * (the local copy, else Stripe). New details go inline with one invoice; with several they become
   * one method on the customer first (a method can be used once unless it is on a customer).
   */
  private async methodFor(payment: Payment, choice: MethodChoice, req: PayRequest, partCount: number): Promise<ChargeMethod> {
    const { gateway, localCopy } = this.deps;
    const billing = { name: req.nameOnAccount, postalCode: req.postalCode };
    if (choice.kind === 'saved') {
      const local = localCopy?.paymentMethodsForCustomer(payment.customerId).find((m) => m.id === choice.paymentMethodId);
      let summary: MethodSummary | null = local
        ? {
            type: local.type,
            brand: local.brand,
            last4: local.last4,
            bankName: local.bankName,
            expMonth: local.expMonth,
            expYear: local.expYear,
          }
        : null;
      if (!summary) {
        const pm = await gateway.retrieveMethod(choice.paymentMethodId);
        if (!pm || pm.customerId !== payment.customerId || !pm.summary)
          throw AppError.because('method_not_found', { field: 'paymentMethodId' });
        summary = pm.summary;
      }
      const type: PaymentType = summary.type === 'us_bank_account' ? 'us_bank_account' : 'card';
      return { kind: 'saved', paymentMethodId: choice.paymentMethodId, type, summary, offSession: true, save: false };
    }
    if (partCount === 1) {
      return choice.kind === 'new-card'
        ? { kind: 'new-card', card: choice.card, billing, save: choice.save }
        : { kind: 'new-bank', bankAccount: choice.bankAccount, billing, save: choice.save };
    }
    const id =
      choice.kind === 'new-card'
        ? await gateway.createCardMethod(choice.card, billing)
        : await gateway.createBankMethod(choice.bankAccount, billing);
    await gateway.attachPaymentMethod(id, payment.customerId, false, { idempotencyKey: `${payment.keyBase}:method:${id}` });
    const type: PaymentType = choice.kind === 'new-card' ? 'card' : 'us_bank_account';
    return { kind: 'saved', paymentMethodId: id, type, summary: null, offSession: false, save: choice.save };
  }

  /** After the popup: the method the customer asked to keep becomes the autopay default. */
  private makeDefaultSoon(customerId: string, results: PartResult[]): void {
    const pm = results.find((r) => r.paymentMethodId && r.part.status !== 'failed')?.paymentMethodId;
    if (!pm) return;
    void (async () => {
      try {
        await this.deps.gateway.setDefaultMethod(customerId, pm);
        await this.deps.gateway.setAutopay(customerId, true);
      } catch (err) {
        // The payment itself went through; the customer can set autopay from the Invoices tab.
        this.deps.log.warn('could not make the new method the autopay default', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    })();
  }

  /** A one-time method that had to be put on the customer for several invoices is taken off again. */
  private forgetSoon(paymentMethodId: string): void {
    this.deps.gateway.detachMethod(paymentMethodId).catch((err: unknown) => {
      this.deps.log.warn('a one-time payment method could not be removed from the customer', { error: String(err) });
    });
  }
}

/** Used by tests and the contract: the tender a choice uses. */
export const tenderOf = (kind: MethodChoice['kind']): Tender => TENDER[kind];
export { methodType };

function microdepositMessage(code: string | undefined): string {
  if (code?.includes('attempts_exceeded')) return 'Too many wrong codes. Please ask at the front desk.';
  if (code?.includes('timeout')) return 'The time to verify this account has passed. Please pay another way or ask at the front desk.';
  return 'That code does not match. Check the 6-character code on your bank statement (it starts with SM) and try again.';
}
