import { randomBytes } from 'node:crypto';
import { formatMoney } from '../../../shared/money';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import { noCrashPoints, type CrashPoint } from '../crash-points';
import { AppError } from '../errors';
import type { Logger } from '../logger';

export const OUTBOX_KINDS = ['saved_method_charge', 'cash', 'check', 'address_update', 'receipt_print'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxState = 'queued' | 'sending' | 'succeeded' | 'failed' | 'needs_review' | 'canceled';
const MONEY_KINDS: ReadonlySet<OutboxKind> = new Set(['saved_method_charge', 'cash', 'check']);

export interface OutboxItem {
  id: string;
  seq: number;
  kind: OutboxKind;
  customerId: string | null;
  payload: unknown;
  idempotencyKey: string;
  amount: number | null;
  currency: string | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  reviewReason: string | null;
  result: unknown;
  createdBy: string;
  stationId: string;
  createdAt: number;
  updatedAt: number;
}

/** What sending one item came to. `retry` is for "the line is down" and other passing trouble only. */
export type SendResult =
  { kind: 'sent'; result?: unknown } | { kind: 'retry'; error: string } | { kind: 'review'; reason: string; result?: unknown };

export interface OutboxHandler {
  send(item: OutboxItem): Promise<SendResult>;
}

export interface OutboxLimits {
  /** Largest single payment that may wait for the connection (cents). */
  maxPerPayment: number;
  /** Largest total of payments waiting at once (cents). */
  maxTotalWaiting: number;
}

export interface NewItem {
  kind: OutboxKind;
  customerId: string | null;
  payload: unknown;
  amount?: number;
  currency?: string;
  createdBy: string;
  stationId: string;
}

interface Row {
  id: string;
  seq: number;
  kind: OutboxKind;
  customer_id: string | null;
  payload: string;
  idempotency_key: string;
  amount: number | null;
  currency: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  review_reason: string | null;
  result: string | null;
  created_by: string;
  station_id: string;
  created_at: number;
  updated_at: number;
}

const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;

/**
 * The durable queue for what may safely wait for the connection. Exactly once:
 *  - the item's idempotency key is written in the transaction that creates it;
 *  - an item is marked `sending` (committed) before each attempt, and every attempt sends the same key;
 *  - after a crash, `sending` items go back to `queued` and are sent again with that key, so Stripe
 *    answers with the first result instead of doing it twice;
 *  - for one customer, nothing is sent while an earlier item of theirs is unresolved.
 */
export class Outbox {
  private draining: Promise<DrainReport> | null = null;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      handlers: Partial<Record<OutboxKind, OutboxHandler>>;
      limits: () => OutboxLimits;
      /** Whether Stripe answers now. The limits are for what must wait: they apply while offline. */
      online?: () => boolean;
      log: Logger;
      crashPoint?: CrashPoint;
    },
  ) {}

  private get crash(): CrashPoint {
    return this.deps.crashPoint ?? noCrashPoints;
  }

  enqueue(input: NewItem): OutboxItem {
    const { db, clock } = this.deps;
    const id = `q_${randomBytes(12).toString('hex')}`;
    const now = clock.now();
    db.transaction(() => {
      const online = this.deps.online?.() ?? false;
      if (MONEY_KINDS.has(input.kind) && !online) this.checkLimits(input.amount ?? 0, input.currency ?? 'usd');
      const seq = (db.prepare<[], { n: number | null }>('SELECT MAX(seq) AS n FROM outbox').get()?.n ?? 0) + 1;
      db.prepare(
        `INSERT INTO outbox (id, seq, kind, customer_id, payload, idempotency_key, amount, currency, next_attempt_at, created_by, station_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        seq,
        input.kind,
        input.customerId,
        JSON.stringify(input.payload),
        `outbox:${id}`,
        input.amount ?? null,
        input.currency ?? null,
        now,
        input.createdBy,
        input.stationId,
        now,
        now,
      );
    })();
    return this.get(id)!;
  }

  get(id: string): OutboxItem | null {
    const row = this.deps.db.prepare<[string], Row>('SELECT * FROM outbox WHERE id = ?').get(id);
    return row ? toItem(row) : null;
  }

  list(states?: readonly OutboxState[]): OutboxItem[] {
    const rows = this.deps.db.prepare<[], Row>('SELECT * FROM outbox ORDER BY seq').all();
    return rows.map(toItem).filter((i) => !states || states.includes(i.state));
  }

  /** Money still waiting to be sent (queued, sending, or failed and to be retried). */
  waitingTotal(): number {
    return (
      this.deps.db
        .prepare<[], { total: number | null }>(
          "SELECT SUM(amount) AS total FROM outbox WHERE state IN ('queued', 'sending', 'failed') AND amount IS NOT NULL",
        )
        .get()?.total ?? 0
    );
  }

  counts(): Record<OutboxState, number> {
    const counts: Record<OutboxState, number> = { queued: 0, sending: 0, succeeded: 0, failed: 0, needs_review: 0, canceled: 0 };
    for (const r of this.deps.db
      .prepare<[], { state: OutboxState; n: number }>('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state')
      .all())
      counts[r.state] = r.n;
    return counts;
  }

  /** After a crash: an item caught mid-send is sent again, with its same key. */
  recover(): number {
    return this.deps.db.prepare("UPDATE outbox SET state = 'queued', updated_at = ? WHERE state = 'sending'").run(this.deps.clock.now())
      .changes;
  }

  /** Staff: try an item that failed or needs review once more (same key: never twice). */
  retry(id: string): OutboxItem {
    const changed = this.deps.db
      .prepare(
        "UPDATE outbox SET state = 'queued', next_attempt_at = ?, review_reason = NULL, updated_at = ? WHERE id = ? AND state IN ('failed', 'needs_review')",
      )
      .run(this.deps.clock.now(), this.deps.clock.now(), id).changes;
    if (changed !== 1) throw AppError.because('queue_item_not_retryable');
    return this.get(id)!;
  }

  /** Manager: give up on an item that has not been sent, with the reason. */
  cancel(id: string, reason: string): OutboxItem {
    const changed = this.deps.db
      .prepare(
        "UPDATE outbox SET state = 'canceled', review_reason = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'failed', 'needs_review')",
      )
      .run(reason, this.deps.clock.now(), id).changes;
    if (changed !== 1) throw AppError.because('queue_item_not_cancelable');
    return this.get(id)!;
  }

  /** Resolves when no pass is running (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.draining?.catch(() => undefined);
  }

  /** One pass over everything that is due. Concurrent calls share the pass in progress. */
  drain(): Promise<DrainReport> {
    this.draining ??= this.drainOnce().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /**
   * Passes until one sends nothing. Each pass reads the due items once, in queue order; an item is
   * sent only when it is the head of its customer's line (their oldest unresolved item, one index
   * probe), so a customer with a failed or held item waits while everyone else goes ahead. The
   * next pass picks up items freed by this one, and any queued meanwhile.
   */
  private async drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, retrying: 0, review: 0, offline: false };
    const { db, clock } = this.deps;
    const headOf = db.prepare<[string], { seq: number | null }>(
      "SELECT MIN(seq) AS seq FROM outbox WHERE customer_id = ? AND state IN ('queued', 'sending', 'failed', 'needs_review')",
    );
    const dueNow = db.prepare<[number], Row>("SELECT * FROM outbox WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY seq");
    for (;;) {
      const blocked = new Set<string>();
      let sentThisPass = 0;
      for (const row of dueNow.all(clock.now())) {
        const item = toItem(row);
        if (item.customerId && (blocked.has(item.customerId) || headOf.get(item.customerId)?.seq !== item.seq)) {
          blocked.add(item.customerId);
          continue;
        }
        const outcome = await this.sendOne(item);
        if (outcome === 'skipped') continue;
        if (outcome === 'sent') {
          report.sent++;
          sentThisPass++;
          continue;
        }
        if (item.customerId) blocked.add(item.customerId);
        if (outcome === 'review') report.review++;
        else report.retrying++;
        if (outcome === 'offline') {
          report.offline = true;
          return report; // the line is down: the rest would fail the same way
        }
      }
      if (sentThisPass === 0) return report;
    }
  }

  private async sendOne(item: OutboxItem): Promise<'sent' | 'review' | 'retry' | 'offline' | 'skipped'> {
    const { db, clock, handlers, log } = this.deps;
    const handler = handlers[item.kind];
    if (!handler) {
      this.finish(item, 'needs_review', { reviewReason: `No sender for ${item.kind} on this station.` });
      return 'review';
    }
    // Claim it; an item canceled or taken since the pass read it is left alone.
    const claimed = db
      .prepare("UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued'")
      .run(clock.now(), item.id);
    if (claimed.changes !== 1) return 'skipped';
    this.crash('outbox:before-send');
    let result: SendResult;
    try {
      result = await handler.send({ ...item, attempts: item.attempts + 1 });
    } catch (err) {
      log.error('outbox sender threw', { id: item.id, kind: item.kind, error: err instanceof Error ? err.message : String(err) });
      result = { kind: 'review', reason: 'An unexpected error happened while sending. Check this item before retrying.' };
    }
    this.crash('outbox:after-send');
    if (result.kind === 'sent') {
      this.finish(item, 'succeeded', { result: result.result ?? null });
      return 'sent';
    }
    if (result.kind === 'review') {
      this.finish(item, 'needs_review', { reviewReason: result.reason, result: result.result ?? null });
      return 'review';
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(item.attempts, 10));
    db.prepare("UPDATE outbox SET state = 'queued', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?").run(
      clock.now() + delay,
      result.error,
      clock.now(),
      item.id,
    );
    return /reach|connect|offline|unavailable/i.test(result.error) ? 'offline' : 'retry';
  }

  private finish(item: OutboxItem, state: OutboxState, extra: { result?: unknown; reviewReason?: string }): void {
    const { db, clock } = this.deps;
    db.transaction(() => {
      db.prepare('UPDATE outbox SET state = ?, updated_at = ? WHERE id = ?').run(state, clock.now(), item.id);
      this.crash('outbox:mid-transaction');
      db.prepare('UPDATE outbox SET result = ?, review_reason = ?, last_error = NULL WHERE id = ?').run(
        JSON.stringify(extra.result ?? null),
        extra.reviewReason ?? null,
        item.id,
      );
    })();
  }

  private checkLimits(amount: number, currency: string): void {
    const limits = this.deps.limits();
    if (amount > limits.maxPerPayment) {
      throw new AppError(
        'invalid_request',
        `While offline, one payment can be at most ${formatMoney(limits.maxPerPayment, currency)}. Please wait for the connection or pay another way.`,
        'amount',
      );
    }
    if (this.waitingTotal() + amount > limits.maxTotalWaiting) {
      throw new AppError(
        'conflict',
        `Too much is already waiting for the connection (at most ${formatMoney(limits.maxTotalWaiting, currency)} in total). Please wait for the connection to return.`,
        'amount',
      );
    }
  }
}

export interface DrainReport {
  sent: number;
  retrying: number;
  review: number;
  /** True when a send failed because Stripe could not be reached: the pass stopped early. */
  offline: boolean;
}

function toItem(r: Row): OutboxItem {
  return {
    id: r.id,
    seq: r.seq,
    kind: r.kind,
    customerId: r.customer_id,
    payload: JSON.parse(r.payload) as unknown,
    idempotencyKey: r.idempotency_key,
    amount: r.amount,
    currency: r.currency,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    reviewReason: r.review_reason,
    result: r.result ? (JSON.parse(r.result) as unknown) : null,
    createdBy: r.created_by,
    stationId: r.station_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
