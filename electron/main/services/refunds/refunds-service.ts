/**
 * Refunds of card payments (card and card_present), full or partial, exactly once.
 *
 * Each refund dialog carries a request id. The first submit checks the refundable amount (an
 * over-refund is refused with a field error before anything is written), then commits a row with
 * the resolved amount and its idempotency key before the request goes to Stripe. After that:
 * a repeat of a settled request answers with the recorded refund; a request whose answer was lost
 * (no line, timeout, crash) is resent with the same key, so Stripe replays instead of refunding
 * twice; a request Stripe refused may be tried again under a new key. On start, pending rows are
 * settled from Stripe's list of the payment's refunds (matched by the request id in metadata).
 *
 * A payment on account credited the customer's balance (a customer balance transaction with
 * metadata payment_intent). Refunding it takes that much credit back: after the refund, a debit of
 * the refunded amount (`:debit` key, metadata refund), made once; until it is made, submitting the
 * same request again (or the restart) finishes it.
 */
import { formatMoney } from '../../../shared/money';
import type { Db } from '../../db/connection';
import { GatewayError } from '../../stripe/errors';
import type { RefundView, TerminalGateway } from '../../stripe/terminal-gateway';
import type { Clock } from '../clock';
import { AppError } from '../errors';

export type { RefundView } from '../../stripe/terminal-gateway';

export type RefundsGatewayPort = Pick<
  TerminalGateway,
  'retrieveIntent' | 'createRefund' | 'listRefunds' | 'adjustCustomerBalance' | 'findBalanceTransaction'
>;

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface RefundInput {
  /** One per refund dialog: the same id never refunds twice. */
  requestId: string;
  paymentIntentId: string;
  /** Minor units; omitted = everything still refundable. */
  amount?: number;
  reason: RefundReason;
  staffId: string;
  stationId: string;
}

export interface RefundOutcome {
  refund: RefundView;
  /** True when this answer is the record of an earlier submit of the same request. */
  replayed: boolean;
  /**
   * A payment on account: the refund was made but its credit not yet taken back from the customer's
   * balance (Stripe did not answer). Submitting the same request again finishes it.
   */
  debitPending: boolean;
}

export const DEBIT_NOT_DONE =
  'The refund was made, but the customer\u2019s account credit has not been reduced yet. Press Refund again to finish it; nothing is refunded twice.';

type State = 'pending' | 'succeeded' | 'failed';

interface Row {
  request_id: string;
  payment_intent_id: string;
  amount: number;
  currency: string;
  reason: RefundReason;
  staff_id: string;
  station_id: string;
  attempt: number;
  idempotency_key: string;
  state: State;
  refund_id: string | null;
  refund_status: string | null;
  message: string | null;
  customer_id: string | null;
  /** 1: a payment on account; the refund also takes the credit back (debit_id once done). */
  on_account: number;
  debit_id: string | null;
  created_at: number;
}

const keyFor = (requestId: string, attempt: number) => `refund:${requestId}:${attempt}`;

export class RefundsService {
  private readonly inFlight = new Map<string, Promise<RefundOutcome>>();

  constructor(
    private readonly deps: {
      gateway: RefundsGatewayPort;
      db: Db;
      clock: Clock;
      /** True when this station took the payment on account and has not credited the customer's balance yet. */
      creditPending?: (paymentIntentId: string) => boolean;
    },
  ) {}

  /** Concurrent submits of one request share one run. */
  refund(input: RefundInput): Promise<RefundOutcome> {
    const running = this.inFlight.get(input.requestId);
    if (running) return running;
    const run = this.run(input).finally(() => this.inFlight.delete(input.requestId));
    this.inFlight.set(input.requestId, run);
    return run;
  }

  /** What is left to refund of a completed payment. */
  async refundable(paymentIntentId: string): Promise<{ amount: number; refundable: number; currency: string }> {
    const pi = await call(() => this.deps.gateway.retrieveIntent(paymentIntentId));
    if (pi.status !== 'succeeded') throw new AppError('invalid_request', 'Only a completed payment can be refunded.', 'paymentIntentId');
    return { amount: pi.amount, refundable: pi.refundable, currency: pi.currency };
  }

  async listRefunds(paymentIntentId: string): Promise<RefundView[]> {
    return call(() => this.deps.gateway.listRefunds(paymentIntentId));
  }

  /**
   * Settles rows left pending by a restart: a refund carrying the row's request id at Stripe is
   * recorded; none means the request never got there, and the row is closed as not sent.
   */
  async reconcile(): Promise<{ settled: number; notSent: number }> {
    const rows = this.deps.db.prepare<[], Row>("SELECT * FROM desk_refunds WHERE state = 'pending'").all();
    let settled = 0;
    let notSent = 0;
    for (const row of rows) {
      const found = (await this.deps.gateway.listRefunds(row.payment_intent_id)).find(
        (r) => r.metadata['request_id'] === row.request_id && r.status !== 'failed' && r.status !== 'canceled',
      );
      if (found) {
        this.settle(row.request_id, found);
        settled++;
      } else {
        this.fail(
          row.request_id,
          'The refund was not sent before the station restarted. Nothing was refunded; start it again if it is still wanted.',
        );
        notSent++;
      }
    }
    // Refunds made whose account credit was not taken back yet.
    const undebited = this.deps.db
      .prepare<[], Row>("SELECT * FROM desk_refunds WHERE state = 'succeeded' AND on_account = 1 AND debit_id IS NULL")
      .all();
    for (const row of undebited) await this.finishDebit(row.request_id).catch(() => undefined);
    return { settled, notSent };
  }

  private async run(input: RefundInput): Promise<RefundOutcome> {
    if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0)) {
      throw new AppError('invalid_request', 'The refund amount must be a positive whole number of cents.', 'amount');
    }
    let row = this.get(input.requestId);
    if (row) {
      if (
        row.payment_intent_id !== input.paymentIntentId ||
        (input.amount !== undefined && input.amount !== row.amount) ||
        row.reason !== input.reason
      ) {
        throw new AppError('invalid_request', 'This refund was already started with other details. Close it and start a new refund.');
      }
      if (row.state === 'succeeded') return { ...(await this.finished(row.request_id)), replayed: true };
      if (row.state === 'pending') {
        await this.send(row);
        return { ...(await this.finished(row.request_id)), replayed: false };
      }
    }
    // New, or the last try was refused by Stripe: check what is refundable now, then commit the key.
    const pi = await call(() => this.deps.gateway.retrieveIntent(input.paymentIntentId));
    if (pi.status !== 'succeeded') throw new AppError('invalid_request', 'Only a completed payment can be refunded.', 'paymentIntentId');
    if (pi.refundable <= 0) throw new AppError('invalid_request', 'This payment has already been refunded in full.', 'amount');
    const amount = input.amount ?? pi.refundable;
    if (amount > pi.refundable) {
      throw new AppError('invalid_request', `The refund can be at most ${formatMoney(pi.refundable, pi.currency)}.`, 'amount');
    }
    if (this.deps.creditPending?.(pi.id)) {
      throw new AppError(
        'conflict',
        'This payment on account has not been credited to the customer\u2019s account yet. Finish it first (Retry on the payment), then refund it.',
      );
    }
    // A payment on account: was the customer's balance credited with it? Then the refund takes the credit back.
    const onAccount = pi.customerId !== null && pi.metadata['on_account'] === 'true';
    const credited = onAccount
      ? await call(() => this.deps.gateway.findBalanceTransaction(pi.customerId!, 'payment_intent', pi.id, pi.created))
      : null;
    const now = this.deps.clock.now();
    if (row) {
      const attempt = row.attempt + 1;
      this.deps.db
        .prepare(
          "UPDATE desk_refunds SET attempt = ?, idempotency_key = ?, amount = ?, state = 'pending', message = NULL, customer_id = ?, on_account = ?, updated_at = ? WHERE request_id = ?",
        )
        .run(attempt, keyFor(input.requestId, attempt), amount, pi.customerId, credited ? 1 : 0, now, input.requestId);
    } else {
      // OR IGNORE: if the same request was committed meanwhile, the row below is that one, and its key is used.
      this.deps.db
        .prepare(
          `INSERT OR IGNORE INTO desk_refunds (request_id, payment_intent_id, amount, currency, reason, staff_id, station_id, attempt, idempotency_key, state, customer_id, on_account, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 'pending', ?, ?, ?, ?)`,
        )
        .run(
          input.requestId,
          pi.id,
          amount,
          pi.currency,
          input.reason,
          input.staffId,
          input.stationId,
          keyFor(input.requestId, 1),
          pi.customerId,
          credited ? 1 : 0,
          now,
          now,
        );
    }
    row = this.get(input.requestId)!;
    if (row.state === 'succeeded') return { ...(await this.finished(row.request_id)), replayed: true };
    await this.send(row);
    return { ...(await this.finished(row.request_id)), replayed: false };
  }

  /** A refund that was made: for a payment on account, once its credit is taken back too. */
  private async finished(requestId: string): Promise<{ refund: RefundView; debitPending: boolean }> {
    const debitPending = await this.finishDebit(requestId).then(
      () => false,
      () => true,
    );
    return { refund: this.view(this.get(requestId)!), debitPending };
  }

  /**
   * Takes a refunded payment on account's credit back (a debit of the refunded amount), once: a
   * debit already made for this refund (found by its metadata) is recorded; else it is created under
   * the `:debit` key derived from the refund's stored key.
   */
  private async finishDebit(requestId: string): Promise<void> {
    const row = this.get(requestId);
    if (!row || row.state !== 'succeeded' || row.on_account !== 1 || row.debit_id || !row.customer_id || !row.refund_id) return;
    const since = Math.floor(row.created_at / 1000) - 86_400;
    const earlier = await this.deps.gateway.findBalanceTransaction(row.customer_id, 'refund', row.refund_id, since);
    const debit =
      earlier ??
      (await this.deps.gateway.adjustCustomerBalance(
        row.customer_id,
        {
          amount: row.amount,
          currency: row.currency,
          description: 'Refund of a payment on account',
          metadata: {
            station_id: row.station_id,
            staff_id: row.staff_id,
            request_id: row.request_id,
            refund: row.refund_id,
            payment_intent: row.payment_intent_id,
          },
        },
        { idempotencyKey: `${row.idempotency_key}:debit` },
      ));
    this.deps.db
      .prepare('UPDATE desk_refunds SET debit_id = ?, updated_at = ? WHERE request_id = ?')
      .run(debit.id, this.deps.clock.now(), requestId);
  }

  /** Sends the row's refund under its stored key. A lost answer leaves it pending for a resend. */
  private async send(row: Row): Promise<RefundView> {
    try {
      const refund = await this.deps.gateway.createRefund(
        {
          paymentIntentId: row.payment_intent_id,
          amount: row.amount,
          reason: row.reason,
          metadata: { station_id: row.station_id, staff_id: row.staff_id, request_id: row.request_id },
        },
        { idempotencyKey: row.idempotency_key },
      );
      this.settle(row.request_id, refund);
      return refund;
    } catch (err) {
      if (!(err instanceof GatewayError) || err.retryable || err.kind === 'api' || err.kind === 'idempotency') {
        // Stripe may or may not have it: keep the key; the next submit (or the restart) finds out.
        throw new AppError(
          'stripe_unavailable',
          'Stripe did not confirm the refund. Press Refund again to finish it; it will not be refunded twice.',
        );
      }
      const mapped =
        err.details.code === 'amount_too_large' || err.details.code === 'charge_already_refunded'
          ? new AppError('invalid_request', 'The refund is more than what is left to refund on this payment.', 'amount')
          : mapError(err);
      this.fail(row.request_id, mapped instanceof Error ? mapped.message : String(mapped));
      throw mapped;
    }
  }

  private get(requestId: string): Row | undefined {
    return this.deps.db.prepare<[string], Row>('SELECT * FROM desk_refunds WHERE request_id = ?').get(requestId);
  }

  private settle(requestId: string, refund: RefundView): void {
    this.deps.db
      .prepare(
        "UPDATE desk_refunds SET state = 'succeeded', refund_id = ?, refund_status = ?, amount = ?, message = NULL, updated_at = ? WHERE request_id = ?",
      )
      .run(refund.id, refund.status, refund.amount, this.deps.clock.now(), requestId);
  }

  private fail(requestId: string, message: string): void {
    this.deps.db
      .prepare("UPDATE desk_refunds SET state = 'failed', message = ?, updated_at = ? WHERE request_id = ?")
      .run(message, this.deps.clock.now(), requestId);
  }

  private view(row: Row): RefundView {
    return {
      id: row.refund_id!,
      amount: row.amount,
      currency: row.currency,
      status: row.refund_status,
      paymentIntentId: row.payment_intent_id,
      chargeId: null,
      reason: row.reason,
      metadata: { station_id: row.station_id, staff_id: row.staff_id, request_id: row.request_id },
    };
  }
}

function mapError(err: unknown): unknown {
  if (!(err instanceof GatewayError)) return err;
  if (err.kind === 'not_found') return AppError.because('payment_not_found');
  if (err.retryable) return AppError.because('stripe_unreachable');
  return new AppError('stripe_error', err.message);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapError(err);
  }
}
