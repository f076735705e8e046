/**
 * Card-present payments whose reader is driven by `@stripe/terminal-js` in the renderer
 * (`terminalDriver: 'js'`). The reader work (collectPaymentMethod, processPayment) happens in the
 * renderer; the money side stays here, with the rules and records of the server-driven flow
 * (card-present.ts): the same invoice check, a ledger row whose key base is committed before the
 * intent is created, the same manual-capture intent and metadata, the same capture, invoice credit,
 * receipt fields, audit entries and local copy. The renderer gets only the client secret its
 * reader needs; capture and cancel happen here, by the ledger row's id (the attempt id).
 *
 * One attempt per invoice at a time: a new one is refused while another is open, unless that one
 * has been left (older than `staleAfterMs`, or its answer was lost): then it is settled from its
 * intent first, like Retry would. Capture and cancel of one attempt run one after the other, and an
 * attempt that has ended answers with what was recorded, so a double click never charges twice.
 */
import type { CardPaymentView } from '../../../shared/contract-desk';
import { AppError } from '../errors';
import { plainMessage } from '../terminal/messages';
import type { TerminalIntentView, TerminalPaymentResult, TerminalService } from '../terminal/terminal-service';
import {
  cardIntentInput,
  cardPaymentView,
  checkCardCharge,
  checkOnAccountCustomer,
  claimInvoice,
  recordCardOutcome,
  type CardChargeInput,
  type CardPresentDeps,
} from './card-present';
import { newDeskPaymentId, type DeskPayment } from './ledger';

/** What the server-driven flow needs, less the reader and the change push; the SDK in the window drives the reader. */
export type CardPresentJsDeps = Pick<
  CardPresentDeps,
  'ledger' | 'audit' | 'localStore' | 'clock' | 'log' | 'stationId' | 'staffName' | 'invoice' | 'claims'
> & {
  terminal: Pick<TerminalService, 'createIntent' | 'intent' | 'complete' | 'cancelIntent'>;
  /** An open attempt untouched for this long no longer holds its invoice (default 5 minutes). */
  staleAfterMs?: number;
};

/** The key base of a Terminal JS attempt; it is how the ledger tells the two drivers' rows apart. */
const KEY_PREFIX = 'desk-js:';
const OPEN = new Set<DeskPayment['status']>(['sending', 'waiting_for_card', 'capturing']);

export const isTerminalJsPayment = (p: DeskPayment): boolean => p.kind === 'card_present' && p.keyBase.startsWith(KEY_PREFIX);

/** capture: the renderer's reader approved it; cancel: staff, a decline or the reader stopped it; resolve: Retry, or a left attempt. */
type Mode = 'capture' | 'cancel' | 'resolve';

/** Ended: failed, canceled, or taken and applied (to the invoice, or on account to the customer's balance). */
const ended = (p: DeskPayment): boolean => p.status === 'failed' || p.status === 'canceled' || (p.status === 'succeeded' && p.attached);

const inProgress = (): AppError => AppError.because('invoice_in_progress', { field: 'invoiceId' });

export class CardPresentJsPayments {
  /** The last capture / cancel of each attempt in this process; the next one waits for it. */
  private readonly queue = new Map<string, Promise<unknown>>();
  /** Invoices whose attempt is being created right now. */
  private readonly creating = new Set<string>();
  /** The invoice claim each open attempt holds, released when it ends. */
  private readonly held = new Map<string, () => void>();
  private readonly staleAfterMs: number;

  constructor(private readonly deps: CardPresentJsDeps) {
    this.staleAfterMs = deps.staleAfterMs ?? 5 * 60_000;
  }

  isOwn(p: DeskPayment): boolean {
    return isTerminalJsPayment(p);
  }

  /**
   * Checks the amount against the invoice, commits the ledger row (and its key base), then creates
   * the intent. Answers only what the renderer's reader needs.
   */
  async create(
    input: CardChargeInput & { readerId: string | null },
    staffId: string,
  ): Promise<{ attemptId: string; clientSecret: string }> {
    const { invoiceId } = input;
    if (invoiceId) {
      if (this.creating.has(invoiceId)) throw inProgress();
      this.creating.add(invoiceId);
    }
    const id = newDeskPaymentId();
    try {
      if (invoiceId) await this.clearInvoice(invoiceId, staffId);
      const release = claimInvoice(this.deps.claims, invoiceId, id);
      try {
        const created = await this.createChecked(input, staffId, id);
        this.held.set(id, release);
        return created;
      } catch (err) {
        release();
        throw err;
      }
    } finally {
      if (invoiceId) this.creating.delete(invoiceId);
    }
  }

  /** After the renderer's processPayment: captures an approved intent (only requires_capture) and credits the invoice. */
  capture(attemptId: string): Promise<CardPaymentView> {
    return this.serial(attemptId, () => this.settle(attemptId, 'capture'));
  }

  /** Cancels the intent unless it was captured (then the payment stands and is recorded as approved). */
  cancel(attemptId: string, staffId: string): Promise<CardPaymentView> {
    return this.serial(attemptId, async () => {
      this.deps.audit.record({ action: 'card.cancel_requested', staffId, subjectId: attemptId });
      return this.settle(attemptId, 'cancel');
    });
  }

  /** Retry (a lost answer, a restart, an invoice not yet credited): the intent says how it ended. */
  retry(attemptId: string): Promise<CardPaymentView> {
    return this.serial(attemptId, () => this.settle(attemptId, 'resolve'));
  }

  private async createChecked(
    input: CardChargeInput & { readerId: string | null },
    staffId: string,
    id: string,
  ): Promise<{ attemptId: string; clientSecret: string }> {
    const { ledger, audit } = this.deps;
    if (input.invoiceId === null) checkOnAccountCustomer(this.deps.localStore, input.customerId);
    const { currency, invoiceNumber } = await checkCardCharge(this.deps.invoice, input);
    const row = ledger.create({
      id,
      keyBase: `${KEY_PREFIX}${id}`,
      kind: 'card_present',
      customerId: input.customerId,
      invoiceId: input.invoiceId,
      invoiceNumber,
      amount: input.amount,
      currency,
      staffId,
      stationId: this.deps.stationId(),
      readerId: input.readerId,
      status: 'sending',
    });
    audit.record({
      action: 'card.started',
      staffId,
      subjectId: row.id,
      amount: row.amount,
      currency,
      detail: { driver: 'js', readerId: input.readerId, invoiceId: input.invoiceId },
    });
    let created: { paymentIntentId: string; clientSecret: string };
    try {
      created = await this.deps.terminal.createIntent(cardIntentInput(row, this.deps.staffName?.(row.staffId) ?? null));
    } catch (err) {
      // The client secret never left main, so no reader can have been given this intent: nothing can be charged.
      const message = err instanceof AppError ? err.message : 'The payment service did not answer.';
      ledger.update(row.id, { status: 'failed', code: 'not_started', message: `${message} Nothing was charged.` });
      audit.record({
        action: 'card.failed',
        staffId,
        subjectId: row.id,
        amount: row.amount,
        currency,
        detail: { paymentId: row.id, code: 'not_started' },
      });
      throw err;
    }
    ledger.update(row.id, { status: 'waiting_for_card', paymentIntentId: created.paymentIntentId });
    return { attemptId: row.id, clientSecret: created.clientSecret };
  }

  /** One attempt per invoice: refuses while another is open, and settles the ones that were left. */
  private async clearInvoice(invoiceId: string, staffId: string): Promise<void> {
    const now = this.deps.clock.now();
    for (const p of this.deps.ledger.cardForInvoice(invoiceId)) {
      if (ended(p)) continue;
      if (!isTerminalJsPayment(p)) {
        if (OPEN.has(p.status)) throw inProgress(); // on the server-driven reader right now
        continue;
      }
      const left = !OPEN.has(p.status) || now - p.updatedAt >= this.staleAfterMs;
      if (!left || this.queue.has(p.id)) throw inProgress();
      this.deps.log.warn('a card payment left open is settled before a new one for its invoice', { paymentId: p.id, status: p.status });
      this.deps.audit.record({
        action: 'card.retried',
        staffId,
        subjectId: p.id,
        amount: p.amount,
        currency: p.currency,
        detail: { reason: 'left open' },
      });
      await this.retry(p.id);
    }
  }

  /** Runs capture / cancel / resolve of one attempt one after the other (a second click waits, then sees the first's record). */
  private serial(attemptId: string, run: () => Promise<CardPaymentView>): Promise<CardPaymentView> {
    const before = this.queue.get(attemptId) ?? Promise.resolve();
    // Once the attempt has ended, its invoice is free for the next payment on this station.
    const runAndRelease = async () => {
      const view = await run();
      const row = this.deps.ledger.get(attemptId);
      if (row && ended(row)) {
        this.held.get(attemptId)?.();
        this.held.delete(attemptId);
      }
      return view;
    };
    const next = before.then(runAndRelease, runAndRelease);
    const tail = next.catch(() => undefined);
    this.queue.set(attemptId, tail);
    void tail.then(() => {
      if (this.queue.get(attemptId) === tail) this.queue.delete(attemptId);
    });
    return next;
  }

  private get(attemptId: string): DeskPayment {
    const row = this.deps.ledger.get(attemptId);
    if (!row || !isTerminalJsPayment(row)) throw AppError.because('card_payment_not_found');
    return row;
  }

  private async settle(attemptId: string, mode: Mode): Promise<CardPaymentView> {
    const { ledger, audit, terminal } = this.deps;
    const row = this.get(attemptId);
    if (ended(row)) return cardPaymentView(row);
    if (!row.paymentIntentId) {
      // Stopped between the ledger row and the intent (a restart): the client secret never reached a reader.
      const next = ledger.update(row.id, {
        status: 'failed',
        code: 'not_started',
        message: 'The payment never reached the reader. Nothing was charged.',
      });
      audit.record({
        action: 'card.failed',
        staffId: row.staffId,
        subjectId: row.id,
        amount: row.amount,
        currency: row.currency,
        detail: { paymentId: row.id, code: 'not_started' },
      });
      return cardPaymentView(next);
    }
    const pi = await terminal.intent(row.paymentIntentId);
    if (pi.status === 'succeeded' || (pi.status === 'requires_capture' && mode !== 'cancel')) {
      if (pi.status === 'requires_capture' && (pi.amount !== row.amount || pi.currency !== row.currency)) {
        return this.close(row, pi, 'amount_mismatch');
      }
      return this.complete(row, pi);
    }
    if (mode === 'capture' && pi.status !== 'canceled') {
      throw AppError.because('card_nothing_to_capture');
    }
    const declined = pi.lastError ? (pi.lastError.declineCode ?? pi.lastError.code ?? 'card_declined') : null;
    return this.close(row, pi, declined ?? (mode === 'cancel' || pi.status === 'canceled' ? 'canceled' : 'not_completed'));
  }

  /** Captures (when approved) and credits the invoice; the outcome is recorded like the server-driven flow's. */
  private async complete(row: DeskPayment, pi: TerminalIntentView): Promise<CardPaymentView> {
    const { ledger } = this.deps;
    if (pi.status === 'requires_capture') ledger.update(row.id, { status: 'capturing' });
    let result: TerminalPaymentResult;
    try {
      result = await this.deps.terminal.complete(cardIntentInput(row, this.deps.staffName?.(row.staffId) ?? null), pi);
    } catch (err) {
      const message = err instanceof AppError ? err.message : 'The payment service did not answer.';
      ledger.update(row.id, {
        status: 'unknown',
        code: 'no_answer',
        message: `${message} Press Retry to see how it ended; it will not be charged twice.`,
      });
      this.deps.log.warn('desk card capture stopped', { paymentId: row.id, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    return cardPaymentView(recordCardOutcome(this.deps, row, result));
  }

  /** Cancels an intent that was not captured (an authorization is released) and records why it ended. */
  private async close(row: DeskPayment, pi: TerminalIntentView, code: string): Promise<CardPaymentView> {
    let now = pi;
    if (now.status !== 'canceled') {
      try {
        now = await this.deps.terminal.cancelIntent(cardIntentInput(row, this.deps.staffName?.(row.staffId) ?? null), pi.id);
      } catch (err) {
        // Captured in the meantime (another window's capture): then the payment stands.
        now = await this.deps.terminal.intent(pi.id);
        if (now.status === 'succeeded') return this.complete(row, now);
        if (now.status !== 'canceled') throw err;
      }
    }
    const result: TerminalPaymentResult = { status: 'failed', paymentIntentId: pi.id, code, message: plainMessage(code) };
    return cardPaymentView(recordCardOutcome(this.deps, row, result));
  }
}
