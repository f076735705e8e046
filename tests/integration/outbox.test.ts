import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { silentLogger } from '../../electron/main/services/logger';
import { Outbox, type OutboxItem, type SendResult } from '../../electron/main/services/outbox/outbox';
import { tempDir } from '../helpers/temp-dir';

/** A recording sender (a test double for Stripe's side; the crash tests use the real sandbox). */
class RecordingSender {
  sent: OutboxItem[] = [];
  answers: SendResult[] = [];
  async send(item: OutboxItem): Promise<SendResult> {
    this.sent.push(item);
    return this.answers.shift() ?? { kind: 'sent', result: { ok: item.id } };
  }
}

let db: Db;
let cleanup: () => void;
let now: number;
let sender: RecordingSender;
let outbox: Outbox;
const limits = { maxPerPayment: 50_000, maxTotalWaiting: 100_000 };

beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  db = openDatabase(join(t.dir, 'kiosk.db'), appMigrations);
  now = 1_800_000_000_000;
  sender = new RecordingSender();
  outbox = new Outbox({
    db,
    clock: { now: () => now },
    handlers: { cash: sender, saved_method_charge: sender, receipt_print: sender },
    limits: () => limits,
    log: silentLogger,
  });
});
afterEach(() => {
  db.close();
  cleanup();
});

const cash = (customerId: string, amount = 1000) => ({
  kind: 'cash' as const,
  customerId,
  payload: { amount },
  amount,
  currency: 'usd',
  createdBy: 'clerk-1',
  stationId: 'station-1',
});

describe('outbox', () => {
  it('writes the idempotency key with the item, before any attempt, and sends every attempt with it', async () => {
    const item = outbox.enqueue(cash('cus_a'));
    const row = db.prepare('SELECT idempotency_key, state, attempts FROM outbox WHERE id = ?').get(item.id);
    expect(row).toEqual({ idempotency_key: `outbox:${item.id}`, state: 'queued', attempts: 0 });
    sender.answers.push({ kind: 'retry', error: 'Stripe could not be reached.' });
    await outbox.drain();
    now += 60_000;
    await outbox.drain();
    expect(sender.sent.map((s) => s.idempotencyKey)).toEqual([item.idempotencyKey, item.idempotencyKey]);
    expect(outbox.get(item.id)?.state).toBe('succeeded');
  });

  it('sends in order per customer: nothing for a customer while an earlier item of theirs waits', async () => {
    const a1 = outbox.enqueue(cash('cus_a'));
    const a2 = outbox.enqueue(cash('cus_a'));
    const b1 = outbox.enqueue(cash('cus_b'));
    sender.answers.push({ kind: 'retry', error: 'temporary trouble' });
    await outbox.drain();
    expect(sender.sent.map((s) => s.id)).toEqual([a1.id, b1.id]);
    expect(outbox.get(a2.id)?.state).toBe('queued');
    now += 10 * 60_000;
    await outbox.drain();
    expect(sender.sent.map((s) => s.id)).toEqual([a1.id, b1.id, a1.id, a2.id]);
  });

  it('backs off after a failure and stops the pass when Stripe is unreachable', async () => {
    outbox.enqueue(cash('cus_a'));
    outbox.enqueue(cash('cus_b'));
    sender.answers.push({ kind: 'retry', error: 'Stripe could not be reached.' });
    const report = await outbox.drain();
    expect(report).toMatchObject({ offline: true, sent: 0, retrying: 1 });
    expect(sender.sent).toHaveLength(1);
    now += 1_000;
    await outbox.drain();
    expect(sender.sent.map((s) => s.customerId)).toEqual(['cus_a', 'cus_b']); // a is still backing off
  });

  it('puts conflicts in needs review with what to do; staff can retry (same key) or a manager can cancel', async () => {
    const item = outbox.enqueue(cash('cus_a'));
    sender.answers.push({ kind: 'review', reason: 'The invoice was paid elsewhere meanwhile.' });
    await outbox.drain();
    expect(outbox.get(item.id)).toMatchObject({ state: 'needs_review', reviewReason: 'The invoice was paid elsewhere meanwhile.' });
    expect(outbox.retry(item.id).state).toBe('queued');
    sender.answers.push({ kind: 'review', reason: 'still' });
    await outbox.drain();
    expect(outbox.cancel(item.id, 'Customer paid at the desk instead').state).toBe('canceled');
    expect(() => outbox.cancel(item.id, 'again')).toThrow(expect.objectContaining({ reason: 'queue_item_not_cancelable' }));
    expect(() => outbox.retry(item.id)).toThrow(expect.objectContaining({ reason: 'queue_item_not_retryable' }));
  });

  it('refuses payments over the offline limits with a clear message and writes nothing', () => {
    expect(() => outbox.enqueue(cash('cus_a', 50_001))).toThrow(/at most \$500\.00/);
    outbox.enqueue(cash('cus_a', 50_000));
    outbox.enqueue(cash('cus_b', 40_000));
    expect(() => outbox.enqueue(cash('cus_c', 20_000))).toThrow(/Too much is already waiting/);
    expect(outbox.list()).toHaveLength(2);
    expect(outbox.waitingTotal()).toBe(90_000);
  });

  it('applies the limits only to what must wait: while Stripe answers, a large cash record goes through', () => {
    const online = new Outbox({
      db,
      clock: { now: () => now },
      handlers: { cash: sender },
      limits: () => limits,
      online: () => true,
      log: silentLogger,
    });
    expect(online.enqueue(cash('cus_big', 90_000)).state).toBe('queued');
  });

  it('shares one pass between concurrent drains, so nothing is sent twice', async () => {
    for (let i = 0; i < 5; i++) outbox.enqueue(cash(`cus_${i}`));
    await Promise.all([outbox.drain(), outbox.drain(), outbox.drain()]);
    expect(sender.sent).toHaveLength(5);
    expect(new Set(sender.sent.map((s) => s.id)).size).toBe(5);
  });

  it('after a crash puts items caught mid-send back in the queue', () => {
    const item = outbox.enqueue(cash('cus_a'));
    db.prepare("UPDATE outbox SET state = 'sending' WHERE id = ?").run(item.id);
    expect(outbox.recover()).toBe(1);
    expect(outbox.get(item.id)?.state).toBe('queued');
  });

  it('sends to review an item whose kind has no sender here', async () => {
    const item = outbox.enqueue({ kind: 'address_update', customerId: 'cus_x', payload: {}, createdBy: 'kiosk', stationId: 's' });
    await outbox.drain();
    expect(outbox.get(item.id)?.state).toBe('needs_review');
  });
});
