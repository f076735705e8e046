/**
 * Card-present payments at the desk. The ledger row (with the idempotency key base every request
 * derives its key from) is committed before the first request; TerminalService does the reader work.
 * `take` answers once the reader waits for the card (or refused: busy, offline); the rest runs on and
 * reports through `onChange`. A payment whose answer was lost is retried with its same keys, so it is
 * never charged twice.
 */
import type { CardPaymentView } from '../../../shared/contract-desk';
import type { Invoice } from '../../../shared/contract';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { LocalStore } from '../local-store/local-store';
import type {
  BalanceTransactionView,
  TerminalIntentInput,
  TerminalPaymentResult,
  TerminalService,
  TestCard,
} from '../terminal/terminal-service';
import { plainMessage } from '../terminal/messages';
import type { AuditLog } from '../audit/audit-log';
import { newDeskPaymentId, type DeskLedger, type DeskPayment } from './ledger';
import { claimInvoice, type InvoiceClaims } from '../payments/invoice-guard';

export { claimInvoice };
import { checkPayAmount, isPayable } from '../../../shared/payment-rules';
import { MAX_AMOUNT_MINOR } from '../../../shared/money';
import { ON_ACCOUNT_CURRENCY } from './offline-payments';
import type { StationReaders } from './readers';

export interface CardPresentDeps {
  terminal: TerminalService;
  ledger: DeskLedger;
  readers: StationReaders;
  audit: AuditLog;
  localStore: LocalStore;
  clock: Clock;
  log: Logger;
  stationId: () => string;
  staffName?: (id: string) => string | null;
  /** The invoice as Stripe has it now (null: not found). */
  invoice: (id: string) => Promise<Invoice | null>;
  /** Told every time a payment changes (the desk pushes it to the window that started it). */
  onChange: (view: CardPaymentView, callerId: string | null) => void;
  /** This station's per-invoice claims (one payment at a time per invoice, whatever the tender). */
  claims: InvoiceClaims;
  /** Payments whose reader the Terminal JS SDK drives (card-present-js.ts): their Retry settles from the intent. */
  terminalJs?: { isOwn(p: DeskPayment): boolean; retry(paymentId: string): Promise<CardPaymentView> };
}

/** What a card-present payment is checked against before anything is sent (both drivers). */
export interface CardChargeInput {
  invoiceId: string | null;
  customerId: string;
  amount: number;
}

/**
 * The money rules of every card-present payment, server-driven or Terminal JS: the invoice is the
 * customer's, still payable, and the amount is not more than what is left on it.
 */
export async function checkCardCharge(
  invoice: CardPresentDeps['invoice'],
  input: CardChargeInput,
): Promise<{ currency: string; invoiceNumber: string | null }> {
  if (!input.invoiceId) {
    const refusal = checkPayAmount(input.amount, MAX_AMOUNT_MINOR, ON_ACCOUNT_CURRENCY);
    if (refusal) throw AppError.because(refusal.reason, { params: refusal.params, field: 'amount' });
    return { currency: ON_ACCOUNT_CURRENCY, invoiceNumber: null };
  }
  const inv = await invoice(input.invoiceId);
  if (!inv || inv.customerId !== input.customerId) throw AppError.because('invoice_not_found', { field: 'invoiceId' });
  if (!isPayable(inv)) throw AppError.because('invoice_already_paid', { field: 'invoiceId' });
  const refusal = checkPayAmount(input.amount, inv.amountRemaining, inv.currency);
  if (refusal) throw AppError.because(refusal.reason, { params: refusal.params, field: 'amount' });
  return { currency: inv.currency, invoiceNumber: inv.number };
}

/** What the customer balance transaction of a payment on account says (the same on every retry: its key depends on it). */
export const ON_ACCOUNT_CARD_DESCRIPTION = 'Payment on account (card at the front desk)';

/**
 * The intent a desk payment asks for (amount, keys, metadata, description): the same for both drivers.
 * Without an invoice it is a payment on account: once captured, the customer's balance is credited.
 * `staffName`: carried as metadata staff_name, so other stations' office reports can name who took it.
 */
export function cardIntentInput(row: DeskPayment, staffName: string | null = null): TerminalIntentInput {
  return {
    ...(row.invoiceId === null
      ? {
          accountCredit: {
            description: ON_ACCOUNT_CARD_DESCRIPTION,
            metadata: { station_id: row.stationId, staff_id: row.staffId, desk_payment_id: row.id },
          },
        }
      : {}),
    amount: row.amount,
    currency: row.currency,
    customerId: row.customerId,
    invoiceId: row.invoiceId,
    stationId: row.stationId,
    staffId: row.staffId,
    idempotencyKeyBase: row.keyBase,
    metadata: {
      channel: 'desk',
      desk_payment_id: row.id,
      ...(row.invoiceNumber ? { invoice_number: row.invoiceNumber } : {}),
      ...(row.invoiceId === null ? { on_account: 'true' } : {}),
      ...(staffName ? { staff_name: staffName.slice(0, 500) } : {}),
    },
    description: row.invoiceNumber ? `Invoice ${row.invoiceNumber}` : row.invoiceId ? 'Front desk payment' : 'Payment on account',
  };
}

/** Writes how a card payment ended: its ledger row, the audit entry and (approved) the local copy of the payment. */
export function recordCardOutcome(
  deps: Pick<CardPresentDeps, 'ledger' | 'audit' | 'localStore' | 'clock' | 'log'>,
  row: DeskPayment,
  result: TerminalPaymentResult,
): DeskPayment {
  const { ledger, audit, localStore, clock } = deps;
  if (result.status === 'succeeded') {
    const next = ledger.update(row.id, {
      status: 'succeeded',
      paymentIntentId: result.paymentIntentId,
      brand: result.brand,
      last4: result.last4,
      receipt: result.receipt,
      attached: result.invoiceAttached,
      creditId: result.accountCredit?.id ?? null,
      code: null,
      message: result.invoiceAttached
        ? null
        : row.invoiceId === null
          ? 'The payment was taken, but the customer\u2019s account is not credited yet. Press Retry to credit it.'
          : 'The payment was taken, but the invoice is not credited yet. Press Retry to credit it.',
    });
    audit.record({
      action: 'card.succeeded',
      staffId: row.staffId,
      subjectId: result.paymentIntentId,
      amount: result.amount,
      currency: result.currency,
      detail: {
        paymentId: row.id,
        invoiceId: row.invoiceId,
        ...(result.accountCredit ? { accountCreditId: result.accountCredit.id } : {}),
      },
    });
    if (result.accountCredit) noteCredit(deps, row.customerId, result.accountCredit);
    try {
      localStore.upsertPayments([
        {
          id: result.paymentIntentId,
          customerId: row.customerId,
          invoiceId: row.invoiceId,
          amount: result.amount,
          currency: result.currency,
          status: 'succeeded',
          method: {
            type: 'card_present',
            ...(result.brand ? { brand: result.brand } : {}),
            ...(result.last4 ? { last4: result.last4 } : {}),
          },
          created: Math.floor(clock.now() / 1000),
          stationId: row.stationId,
          staffId: row.staffId,
        },
      ]);
    } catch (err) {
      deps.log.warn('local copy of a desk payment not written; the sync will bring it', { error: String(err) });
    }
    return next;
  }
  const canceled = CANCELED_CODES.has(result.code);
  const next = ledger.update(row.id, {
    status: canceled ? 'canceled' : 'failed',
    paymentIntentId: result.paymentIntentId,
    code: result.code,
    message: result.message || plainMessage(result.code),
  });
  audit.record({
    action: canceled ? 'card.canceled' : 'card.failed',
    staffId: row.staffId,
    subjectId: result.paymentIntentId,
    amount: row.amount,
    currency: row.currency,
    detail: { paymentId: row.id, code: result.code },
  });
  return next;
}

const CANCELED_CODES = new Set(['canceled', 'customer_canceled']);

/**
 * The customer's balance after a credit on account, into the local copy (as of the credit's time at
 * Stripe, so a newer balance the sync brought is never overwritten).
 */
export function noteCredit(deps: Pick<CardPresentDeps, 'localStore' | 'log'>, customerId: string, credit: BalanceTransactionView): void {
  try {
    deps.localStore.setCustomerBalance(customerId, { amount: credit.endingBalance, currency: credit.currency }, credit.created * 1000);
  } catch (err) {
    deps.log.warn('local copy of a customer balance not written; the sync will bring it', { error: String(err) });
  }
}

export function cardPaymentView(p: DeskPayment): CardPaymentView {
  const status = p.status === 'queued' || p.status === 'needs_review' ? 'unknown' : p.status;
  return {
    paymentId: p.id,
    readerId: p.readerId ?? 'unknown_reader',
    status,
    amount: p.amount,
    currency: p.currency,
    customerId: p.customerId,
    invoiceId: p.invoiceId,
    paymentIntentId: p.paymentIntentId,
    brand: p.brand,
    last4: p.last4,
    receipt: p.receipt,
    confirmation: p.status === 'succeeded' ? p.paymentIntentId : null,
    message: p.message,
    code: p.code,
    // A payment on account counts as applied once its credit is made (rows from before on-account credits were marked attached).
    invoiceAttached: p.attached || (p.invoiceId === null && p.status !== 'succeeded'),
  };
}

export class CardPresentPayments {
  /** Payments running in this process, by reader (one at a time per reader from this station). */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: CardPresentDeps) {}

  async take(
    input: { invoiceId: string | null; customerId: string; amount: number },
    staffId: string,
    callerId: string,
  ): Promise<CardPaymentView> {
    const { ledger, readers, audit } = this.deps;
    const readerId = readers.require();
    if (this.running.has(readerId)) throw AppError.because('reader_busy');
    if (input.invoiceId === null) checkOnAccountCustomer(this.deps.localStore, input.customerId);
    const id = newDeskPaymentId();
    const release = claimInvoice(this.deps.claims, input.invoiceId, id);
    let checked: { currency: string; invoiceNumber: string | null };
    try {
      checked = await checkCardCharge(this.deps.invoice, input);
    } catch (err) {
      release();
      throw err;
    }
    const { currency, invoiceNumber } = checked;
    const row = ledger.create({
      id,
      kind: 'card_present',
      customerId: input.customerId,
      invoiceId: input.invoiceId,
      invoiceNumber,
      amount: input.amount,
      currency,
      staffId,
      stationId: this.deps.stationId(),
      readerId,
      status: 'sending',
    });
    audit.record({
      action: 'card.started',
      staffId,
      subjectId: row.id,
      amount: row.amount,
      currency,
      detail: { readerId, invoiceId: input.invoiceId },
    });
    return this.run(row, callerId, release);
  }

  /** Tries a payment again with its same keys: for a lost answer, or an invoice not yet credited. */
  async retry(paymentId: string, staffId: string, callerId: string): Promise<CardPaymentView> {
    const row = this.get(paymentId);
    // A lost answer, or money taken but not yet applied (the invoice attach, or the credit of a payment on account).
    const retriable = row.status === 'unknown' || (row.status === 'succeeded' && !row.attached);
    if (!retriable) throw AppError.because('card_payment_not_retryable');
    if (this.deps.terminalJs?.isOwn(row)) {
      this.deps.audit.record({
        action: 'card.retried',
        staffId,
        subjectId: row.id,
        amount: row.amount,
        currency: row.currency,
        detail: { driver: 'js' },
      });
      return this.deps.terminalJs.retry(row.id);
    }
    if (!row.readerId || this.running.has(row.readerId)) throw AppError.because('reader_busy');
    const release = claimInvoice(this.deps.claims, row.invoiceId, row.id);
    this.deps.audit.record({ action: 'card.retried', staffId, subjectId: row.id, amount: row.amount, currency: row.currency });
    return this.run(this.deps.ledger.update(row.id, { status: 'sending', message: null, code: null }), callerId, release);
  }

  view(paymentId: string): CardPaymentView {
    return cardPaymentView(this.get(paymentId));
  }

  async cancel(readerId: string, staffId: string): Promise<void> {
    await this.deps.terminal.cancel(readerId);
    this.deps.audit.record({ action: 'card.cancel_requested', staffId, subjectId: readerId });
  }

  async presentTestCard(readerId: string, card: TestCard): Promise<void> {
    await this.deps.terminal.presentTestCard(readerId, card);
  }

  /** After a restart: payments caught mid-way are marked unknown, to be retried (same keys) by staff. */
  markInterrupted(): number {
    const rows = this.deps.ledger.unsettledCard();
    for (const r of rows) {
      this.deps.ledger.update(r.id, {
        status: 'unknown',
        message: 'The station restarted during this payment. Press Retry to see how it ended; it will not be charged twice.',
      });
    }
    return rows.length;
  }

  /** Shutdown: stops the readers still waiting for a card (nobody could follow them), then waits for the runs to end. */
  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.running.keys()].map((readerId) => this.deps.terminal.cancel(readerId)));
    await Promise.allSettled([...this.running.values()]);
  }

  private get(paymentId: string): DeskPayment {
    const row = this.deps.ledger.get(paymentId);
    if (!row || row.kind !== 'card_present') throw AppError.because('card_payment_not_found');
    return row;
  }

  /** Starts the reader; answers when it waits for the card, or with the error if it never got there. */
  private run(row: DeskPayment, callerId: string, release: () => void): Promise<CardPaymentView> {
    const { terminal, ledger } = this.deps;
    const readerId = row.readerId!;
    let waiting!: () => void;
    const ready = new Promise<void>((resolve) => (waiting = resolve));
    const change = (patch: Parameters<DeskLedger['update']>[1]) => {
      const next = ledger.update(row.id, patch);
      this.deps.onChange(cardPaymentView(next), callerId);
      return next;
    };
    const work = terminal
      .processPayment({ ...cardIntentInput(row, this.deps.staffName?.(row.staffId) ?? null), readerId }, (u) => {
        if (u.stage === 'waiting_for_card' || u.stage === 'capturing') change({ status: u.stage, paymentIntentId: u.paymentIntentId });
        if (u.stage === 'waiting_for_card') waiting();
      })
      .then((result) => this.finish(row, result, callerId));
    const tracked = work.then(
      () => undefined,
      (err: unknown) => {
        const message = err instanceof AppError ? err.message : 'The payment service did not answer.';
        const refused = err instanceof AppError && (err.code === 'conflict' || err.code === 'not_found' || /reader/i.test(err.message));
        const current = ledger.get(row.id)!;
        // Refused before the reader took it: nothing can have been charged. Otherwise the answer was lost.
        const neverStarted = refused && current.status === 'sending';
        change({
          status: neverStarted ? 'failed' : 'unknown',
          code: neverStarted ? 'not_started' : 'no_answer',
          message: neverStarted ? message : `${message} Press Retry to see how it ended; it will not be charged twice.`,
        });
        this.deps.log.warn('desk card payment stopped', { paymentId: row.id, error: err instanceof Error ? err.message : String(err) });
        throw err;
      },
    );
    const settled = tracked
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(readerId);
        release();
      });
    this.running.set(readerId, settled);
    return Promise.race([ready, tracked]).then(() => this.view(row.id));
  }

  private finish(row: DeskPayment, result: TerminalPaymentResult, callerId: string): void {
    this.deps.onChange(cardPaymentView(recordCardOutcome(this.deps, row, result)), callerId);
  }
}

/** A payment on account is for a customer the desk can open (in the local copy). */
export function checkOnAccountCustomer(localStore: Pick<LocalStore, 'getCustomer'>, customerId: string): void {
  if (!localStore.getCustomer(customerId)) throw AppError.because('customer_not_found', { field: 'customerId' });
}
