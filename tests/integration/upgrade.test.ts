/**
 * Upgrading a station: the data folder written by the app before the one payment ledger (kiosk
 * payment_attempts, desk desk_payments, both with queued items; see tests/fixtures/upgrade/generate.ts)
 * is opened by today's app. Nothing is lost, nothing is sent twice: what was settled stays settled
 * with its Stripe ids, what was queued is sent exactly once, the lost answer is settled from Stripe
 * without a second charge, and the open page can still pay.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/until';

interface Facts {
  customerId: string;
  settled: { paymentId: string; invoiceId: string; amount: number; paymentIntentId: string };
  cash: { paymentId: string; invoiceId: string; amount: number };
  open: { paymentId: string; invoiceId: string };
  lost: { paymentId: string; invoiceId: string; amount: number };
  queued: { paymentId: string; invoiceId: string; amount: number };
  queuedCash: { paymentId: string; invoiceId: string; amount: number };
  remainingBefore: Record<string, number>;
}

const FIXTURE = new URL('../fixtures/upgrade/data', import.meta.url).pathname;
const facts = JSON.parse(readFileSync(join(FIXTURE, 'facts.json'), 'utf8')) as Facts;
const dir = tempDir('kiosk-upgrade-');
let k: TestKiosk;

beforeAll(async () => {
  cpSync(FIXTURE, dir.dir, { recursive: true });
  k = await startTestKiosk({ dir: dir.dir });
});
afterAll(async () => {
  await k.stop();
});

const row = (id: string) =>
  k.kiosk.db
    .prepare<[string], { status: string; key_base: string; amount: number; channel: string; tender: string | null }>(
      'SELECT status, key_base, amount, channel, tender FROM payments WHERE id = ?',
    )
    .get(id);
const intentsOf = async (paymentId: string) =>
  (await k.stripe.paymentIntents.list({ limit: 100 })).data.filter(
    (p) => p.metadata['payment_id'] === paymentId || p.metadata['attempt_id'] === paymentId,
  );
const recordsOf = async (paymentId: string) =>
  (await k.stripe.paymentRecords.list({ limit: 100 })).data.filter((r) => r.metadata?.['desk_payment_id'] === paymentId);
const drained = async () => {
  await k.kiosk.outbox.drain();
  const left = k.kiosk.db.prepare("SELECT count(*) AS n FROM outbox WHERE state IN ('queued', 'sending', 'failed')").get() as { n: number };
  return left.n === 0;
};

describe('upgrading a station written before the one payment ledger', () => {
  it('moves every payment of both kinds into the ledger and drops the old tables', () => {
    const tables = k.kiosk.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['payments', 'payment_allocations', 'payment_steps']));
    expect(tables).not.toContain('payment_attempts');
    expect(tables).not.toContain('desk_payments');
    expect(row(facts.settled.paymentId)).toMatchObject({
      status: 'succeeded',
      channel: 'kiosk',
      key_base: `kiosk:${facts.settled.paymentId}`,
    });
    expect(row(facts.cash.paymentId)).toMatchObject({ status: 'succeeded', channel: 'desk', tender: 'cash', amount: 500 });
    expect(row(facts.open.paymentId)).toMatchObject({ status: 'open' });
    expect(row(facts.queued.paymentId)).toBeDefined();
    expect(row(facts.queuedCash.paymentId)).toMatchObject({ channel: 'desk', tender: 'cash', amount: 600 });
    expect(row(facts.lost.paymentId)).toBeDefined();
  });

  it('sends what was queued exactly once, settles the lost answer from Stripe without a second charge, and the open page still pays', async () => {
    await until(drained, 30_000, 200);
    // The kiosk's queued saved-card charge: one intent, taken.
    const queued = await intentsOf(facts.queued.paymentId);
    expect(queued.map((p) => [p.status, p.amount])).toEqual([['succeeded', facts.queued.amount]]);
    expect(row(facts.queued.paymentId)?.status).toBe('succeeded');
    // The desk's queued cash: one payment record.
    expect(await recordsOf(facts.queuedCash.paymentId)).toHaveLength(1);
    expect(row(facts.queuedCash.paymentId)?.status).toBe('succeeded');
    // Settled before the upgrade: still one of each at Stripe.
    expect((await intentsOf(facts.settled.paymentId)).map((p) => p.id)).toEqual([facts.settled.paymentIntentId]);
    expect(await recordsOf(facts.cash.paymentId)).toHaveLength(1);
    // The lost answer: settled from the intent Stripe has, none made again.
    await until(async () => row(facts.lost.paymentId)?.status === 'succeeded', 20_000, 200);
    expect((await intentsOf(facts.lost.paymentId)).map((p) => p.status)).toEqual(['succeeded']);

    // The page that was open pays, with its own keys.
    await k.signIn('m', 0);
    const visa = (await k.ok('m', 'listMethods', {})).methods.find((m) => m.type === 'card')!;
    const paid = await k.ok('m', 'paySaved', {
      attemptId: facts.open.paymentId,
      amount: 500,
      nameOnAccount: 'Maria Garcia',
      postalCode: '78704',
      paymentMethodId: visa.id,
    });
    expect(paid.status).toBe('succeeded');

    // Each invoice owes exactly what was paid on it once.
    const paidOn: Record<string, number> = {};
    for (const p of [
      facts.settled,
      facts.cash,
      facts.lost,
      facts.queued,
      facts.queuedCash,
      { invoiceId: facts.open.invoiceId, amount: 500 },
    ])
      paidOn[p.invoiceId] = (paidOn[p.invoiceId] ?? 0) + p.amount;
    for (const [invoiceId, amount] of Object.entries(paidOn)) {
      expect((await k.stripe.invoices.retrieve(invoiceId)).amount_remaining).toBe(facts.remainingBefore[invoiceId]! - amount);
    }
  });

  it('after a restart nothing is sent again', async () => {
    const before = (await k.stripe.paymentIntents.list({ limit: 100 })).data.length;
    const records = (await k.stripe.paymentRecords.list({ limit: 100 })).data.length;
    await k.restart();
    await until(drained, 30_000, 200);
    await k.kiosk.sync.runOnce();
    expect((await k.stripe.paymentIntents.list({ limit: 100 })).data).toHaveLength(before);
    expect((await k.stripe.paymentRecords.list({ limit: 100 })).data).toHaveLength(records);
  });
});
