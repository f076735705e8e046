import { randomBytes } from 'node:crypto';
import type { PaymentOutcome } from '../../../shared/contract';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';

export type AttemptStatus =
  'open' | 'sending' | 'queued' | 'succeeded' | 'processing' | 'requires_verification' | 'failed' | 'canceled' | 'unknown';

export interface Attempt {
  id: string;
  customerId: string;
  invoiceId: string;
  invoiceNumber: string | null;
  currency: string;
  invoiceRemaining: number;
  channel: 'kiosk' | 'guest' | 'desk';
  stationId: string;
  staffId: string | null;
  paymentIntentId: string | null;
  status: AttemptStatus;
  outcome: PaymentOutcome | null;
  createdAt: number;
}

export interface Step {
  attemptId: string;
  step: number;
  kind: string;
  idempotencyKey: string;
  amount: number;
  paymentMethodId: string | null;
  createParams: string | null;
}

interface StepRow {
  attempt_id: string;
  step: number;
  kind: string;
  idempotency_key: string;
  amount: number;
  payment_method_id: string | null;
  create_params: string | null;
}

const toStep = (r: StepRow): Step => ({
  attemptId: r.attempt_id,
  step: r.step,
  kind: r.kind,
  idempotencyKey: r.idempotency_key,
  amount: r.amount,
  paymentMethodId: r.payment_method_id,
  createParams: r.create_params,
});

interface AttemptRow {
  id: string;
  customer_id: string;
  invoice_id: string;
  invoice_number: string | null;
  currency: string;
  invoice_remaining: number;
  channel: Attempt['channel'];
  station_id: string;
  staff_id: string | null;
  payment_intent_id: string | null;
  status: AttemptStatus;
  outcome_json: string | null;
  created_at: number;
}

/** Keys are derived from the attempt id, so the same step always sends the same key. */
export const keyFor = (attemptId: string, what: string): string => `kiosk:${attemptId}:${what}`;

/**
 * The durable record of every payment attempt and every money-moving request it made. A step row
 * (with its idempotency key) is committed before the request goes out; with synchronous=FULL a
 * crash after that point replays the same key and Stripe answers with the first result.
 */
export class AttemptsRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  create(input: Omit<Attempt, 'id' | 'paymentIntentId' | 'status' | 'outcome' | 'createdAt'>): Attempt {
    const id = `att_${randomBytes(12).toString('hex')}`;
    const now = this.clock.now();
    this.db
      .prepare(
        `INSERT INTO payment_attempts (id, customer_id, invoice_id, invoice_number, currency, invoice_remaining, channel, station_id, staff_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.customerId,
        input.invoiceId,
        input.invoiceNumber,
        input.currency,
        input.invoiceRemaining,
        input.channel,
        input.stationId,
        input.staffId,
        now,
        now,
      );
    return this.get(id)!;
  }

  get(id: string): Attempt | null {
    const row = this.db.prepare<[string], AttemptRow>('SELECT * FROM payment_attempts WHERE id = ?').get(id);
    return row ? toAttempt(row) : null;
  }

  /** The attempt on this station that made this PaymentIntent, if any. */
  byIntent(paymentIntentId: string): Attempt | null {
    const row = this.db.prepare<[string], AttemptRow>('SELECT * FROM payment_attempts WHERE payment_intent_id = ?').get(paymentIntentId);
    return row ? toAttempt(row) : null;
  }

  /**
   * Starts the next money-moving step: marks the attempt as sending and stores the step's key, in one
   * commit, before the request. Returns null when another step of this attempt is still in flight.
   */
  beginStep(
    attemptId: string,
    kind: string,
    amount: number,
    paymentMethodId: string | null,
    createParams: string | null,
    fromQueue = false,
  ): Step | null {
    return this.db.transaction((): Step | null => {
      // The queue owns a queued attempt: it may send it from any state that is not settled or in flight.
      const claimable = fromQueue ? "('queued', 'open', 'failed', 'unknown')" : "('open', 'failed', 'unknown')";
      const claimed = this.db
        .prepare(`UPDATE payment_attempts SET status = 'sending', updated_at = ? WHERE id = ? AND status IN ${claimable}`)
        .run(this.clock.now(), attemptId);
      if (claimed.changes !== 1) return null;
      const last = this.db
        .prepare<[string], { n: number | null }>('SELECT MAX(step) AS n FROM payment_steps WHERE attempt_id = ?')
        .get(attemptId);
      const step = (last?.n ?? 0) + 1;
      const idempotencyKey = keyFor(attemptId, `${kind}:${step}`);
      this.db
        .prepare(
          'INSERT INTO payment_steps (attempt_id, step, kind, idempotency_key, amount, payment_method_id, create_params, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(attemptId, step, kind, idempotencyKey, amount, paymentMethodId, createParams, this.clock.now());
      return { attemptId, step, kind, idempotencyKey, amount, paymentMethodId, createParams };
    })();
  }

  /** Records how a step ended and what the attempt now is, in one commit. */
  finishStep(step: Step, status: AttemptStatus, paymentIntentId: string | null, outcome: PaymentOutcome | null): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE payment_steps SET result = ?, finished_at = ? WHERE attempt_id = ? AND step = ?')
        .run(status, now, step.attemptId, step.step);
      this.db
        .prepare(
          `UPDATE payment_attempts SET status = ?, payment_intent_id = COALESCE(?, payment_intent_id),
             outcome_json = ?, updated_at = ? WHERE id = ?`,
        )
        .run(status, paymentIntentId, outcome ? JSON.stringify(outcome) : null, now, step.attemptId);
    })();
  }

  /** Steps that were begun but never finished (a crash or a lost answer): to be reconciled. */
  unfinishedSteps(attemptId?: string): Step[] {
    const rows = attemptId
      ? this.db
          .prepare<[string], StepRow>('SELECT * FROM payment_steps WHERE finished_at IS NULL AND attempt_id = ? ORDER BY step')
          .all(attemptId)
      : this.db.prepare<[], StepRow>('SELECT * FROM payment_steps WHERE finished_at IS NULL ORDER BY created_at').all();
    return rows.map(toStep);
  }

  /** A step's answer never came (network): the step stays unfinished for reconciliation, the attempt may be retried. */
  markUnknown(attemptId: string): void {
    this.db.prepare("UPDATE payment_attempts SET status = 'unknown', updated_at = ? WHERE id = ?").run(this.clock.now(), attemptId);
  }

  /** The intent id as soon as it is known (kept even if the step that created it fails). */
  setIntent(attemptId: string, paymentIntentId: string): void {
    this.db
      .prepare('UPDATE payment_attempts SET payment_intent_id = ? WHERE id = ? AND payment_intent_id IS NULL')
      .run(paymentIntentId, attemptId);
  }

  /** Attempts of these ids that never settled (open, failed, or answered unknown). */
  unsettled(ids: readonly string[]): Attempt[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare<string[], AttemptRow>(
        `SELECT * FROM payment_attempts WHERE status IN ('open', 'failed') AND id IN (${ids.map(() => '?').join(',')})`,
      )
      .all(...ids)
      .map(toAttempt);
  }

  pendingVerifications(customerId: string): Attempt[] {
    return this.db
      .prepare<[string], AttemptRow>(
        "SELECT * FROM payment_attempts WHERE customer_id = ? AND status = 'requires_verification' ORDER BY created_at DESC",
      )
      .all(customerId)
      .map(toAttempt);
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  setStatus(attemptId: string, status: AttemptStatus, outcome: PaymentOutcome | null): void {
    this.db
      .prepare('UPDATE payment_attempts SET status = ?, outcome_json = ?, updated_at = ? WHERE id = ?')
      .run(status, outcome ? JSON.stringify(outcome) : null, this.clock.now(), attemptId);
  }
}

function toAttempt(r: AttemptRow): Attempt {
  return {
    id: r.id,
    customerId: r.customer_id,
    invoiceId: r.invoice_id,
    invoiceNumber: r.invoice_number,
    currency: r.currency,
    invoiceRemaining: r.invoice_remaining,
    channel: r.channel,
    stationId: r.station_id,
    staffId: r.staff_id,
    paymentIntentId: r.payment_intent_id,
    status: r.status,
    outcome: r.outcome_json ? (JSON.parse(r.outcome_json) as PaymentOutcome) : null,
    createdAt: r.created_at,
  };
}
