/** Refunds and payment records (cash, checks) in the sandbox, over the wire; and RefundsService on top. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/main/services/clock.js';
import { AppError } from '../../electron/main/services/errors.js';
import type { Db } from '../../electron/main/db/connection.js';
import { openDatabase } from '../../electron/main/db/connection.js';
import { appMigrations } from '../../electron/main/db/migrations/index.js';
import { RefundsService, type RefundsGatewayPort } from '../../electron/main/services/refunds/refunds-service.js';
import { GatewayError } from '../../electron/main/stripe/errors.js';
import { TerminalGateway } from '../../electron/main/stripe/terminal-gateway.js';
import { startTestSandbox, TEST_SECRET_KEY, type TestSandbox } from '../helpers/sandbox.js';
import { tempDir } from '../helpers/temp-dir.js';

let t: TestSandbox;
let stripe: Stripe;
let gateway: TerminalGateway;
beforeAll(async () => {
  t = await startTestSandbox();
  stripe = t.stripe;
  gateway = new TerminalGateway({
    secretKey: TEST_SECRET_KEY,
    endpoint: { host: '127.0.0.1', port: t.port, protocol: 'http' },
    clock: systemClock,
    maxNetworkRetries: 0,
  });
});
afterAll(() => t.stop());

async function paid(amount: number): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    allowed_payment_method_types: ['card'],
  });
}

async function openInvoice(amount: number) {
  const cus = await stripe.customers.create({ name: 'Cash Payer', email: 'cash@x.io' });
  const inv = await stripe.invoices.create({ customer: cus.id });
  await stripe.invoiceItems.create({ customer: cus.id, amount, currency: 'usd', invoice: inv.id, description: 'Fees' });
  return { cus, inv: await stripe.invoices.finalizeInvoice(inv.id) };
}

async function cashRecord(
  amount: number,
  name = 'Cash',
  customer?: string,
  outcome: 'guaranteed' | 'failed' = 'guaranteed',
): Promise<Stripe.PaymentRecord> {
  const now = Math.floor(Date.now() / 1000);
  return stripe.paymentRecords.reportPayment({
    amount_requested: { value: amount, currency: 'usd' },
    initiated_at: now,
    payment_method_details: { type: 'custom', custom: { display_name: name } },
    ...(customer ? { customer_details: { customer } } : {}),
    customer_presence: 'on_session',
    outcome,
    ...(outcome === 'guaranteed' ? { guaranteed: { guaranteed_at: now } } : { failed: { failed_at: now } }),
    metadata: { station_id: 'kiosk-1' },
  });
}

describe('refunds', () => {
  it('refunds in full by payment_intent', async () => {
    const pi = await paid(2000);
    const re = await stripe.refunds.create({ payment_intent: pi.id, reason: 'requested_by_customer', metadata: { staff: 's1' } });
    expect(re).toMatchObject({
      object: 'refund',
      amount: 2000,
      currency: 'usd',
      status: 'succeeded',
      payment_intent: pi.id,
      charge: pi.latest_charge,
      reason: 'requested_by_customer',
      metadata: { staff: 's1' },
    });
    const ch = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(ch).toMatchObject({ amount_refunded: 2000, refunded: true });
    expect(await stripe.refunds.retrieve(re.id)).toMatchObject({ id: re.id, amount: 2000 });
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_already_refunded',
    });
  });

  it('refunds partially by charge, refuses more than what is left, lists by intent and charge', async () => {
    const pi = await paid(5000);
    const chargeId = pi.latest_charge as string;
    const a = await stripe.refunds.create({ charge: chargeId, amount: 1500 });
    expect(a).toMatchObject({ amount: 1500, payment_intent: pi.id, charge: chargeId });
    expect(await stripe.charges.retrieve(chargeId)).toMatchObject({ amount_refunded: 1500, refunded: false });
    const over = await stripe.refunds.create({ payment_intent: pi.id, amount: 3501 }).catch((e: Stripe.errors.StripeError) => e);
    expect(over).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
    const b = await stripe.refunds.create({ payment_intent: pi.id, amount: 3500 });
    expect(await stripe.charges.retrieve(chargeId)).toMatchObject({ amount_refunded: 5000, refunded: true });
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await stripe.refunds.list({ charge: chargeId })).data).toHaveLength(2);
    const events = await stripe.events.list({ limit: 100 });
    const about = events.data.filter((e) => JSON.stringify(e.data.object).includes(chargeId)).map((e) => e.type);
    expect(about.filter((x) => x === 'refund.created')).toHaveLength(2);
    expect(about.filter((x) => x === 'charge.refunded')).toHaveLength(2);
  });

  it('refuses uncaptured or unknown payments', async () => {
    const held = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      capture_method: 'manual',
      allowed_payment_method_types: ['card'],
    });
    await expect(stripe.refunds.create({ payment_intent: held.id })).rejects.toMatchObject({ statusCode: 400, param: 'payment_intent' });
    await expect(stripe.refunds.create({ payment_intent: 'pi_missing' })).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.refunds.create({})).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('payment records and invoices', () => {
  it('reports cash and check payments and credits an invoice: partial, then paid', async () => {
    const { cus, inv } = await openInvoice(10_000);
    const cash = await cashRecord(4000, 'Cash', cus.id);
    expect(cash).toMatchObject({
      object: 'payment_record',
      amount_requested: { value: 4000, currency: 'usd' },
      amount_guaranteed: { value: 4000, currency: 'usd' },
      payment_method_details: { type: 'custom', custom: { display_name: 'Cash' } },
      customer_details: { customer: cus.id },
      reported_by: 'self',
      metadata: { station_id: 'kiosk-1' },
    });
    expect(await stripe.paymentRecords.retrieve(cash.id)).toMatchObject({ id: cash.id });
    const partial = await stripe.invoices.attachPayment(inv.id, { payment_record: cash.id });
    expect(partial).toMatchObject({ status: 'open', amount_paid: 4000, amount_remaining: 6000 });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: cash.id })).rejects.toMatchObject({ param: 'payment_record' });
    const check = await cashRecord(6000, 'Check #1234', cus.id);
    const done = await stripe.invoices.attachPayment(inv.id, { payment_record: check.id });
    expect(done).toMatchObject({ status: 'paid', amount_paid: 10_000, amount_remaining: 0 });
    const payments = await stripe.invoicePayments.list({ invoice: inv.id });
    expect(payments.data.map((p) => p.payment)).toEqual(
      expect.arrayContaining([
        { payment_record: cash.id, type: 'payment_record' },
        { payment_record: check.id, type: 'payment_record' },
      ]),
    );
    expect(payments.data.every((p) => p.status === 'paid')).toBe(true);
  });

  it('refuses a record that is not guaranteed, in another currency, or a bad report', async () => {
    const { inv } = await openInvoice(1000);
    const failed = await cashRecord(1000, 'Check #99', undefined, 'failed');
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: failed.id })).rejects.toMatchObject({ param: 'payment_record' });
    await expect(
      stripe.paymentRecords.reportPayment({
        amount_requested: { value: 100, currency: 'usd' },
        payment_method_details: { type: 'custom', custom: { display_name: 'Cash' } },
      } as never),
    ).rejects.toMatchObject({ param: 'initiated_at' });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: 'pr_missing' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('the gateway reports cash and attaches it', async () => {
    const { cus, inv } = await openInvoice(2500);
    const id = await gateway.reportOfflinePayment(
      {
        amount: 2500,
        currency: 'usd',
        displayName: 'Cash',
        customerId: cus.id,
        initiatedAt: Math.floor(Date.now() / 1000),
        metadata: { station_id: 'k' },
      },
      { idempotencyKey: `cash-${inv.id}` },
    );
    expect(await gateway.attachRecordToInvoice(inv.id, id, { idempotencyKey: `cash-${inv.id}:attach` })).toEqual({
      amountPaid: 2500,
      amountRemaining: 0,
      paid: true,
    });
  });
});

describe('RefundsService', () => {
  let db: Db;
  let dir: { dir: string; cleanup: () => void };
  beforeAll(() => {
    dir = tempDir();
    db = openDatabase(join(dir.dir, 'kiosk.sqlite'), appMigrations);
  });
  afterAll(() => {
    db.close();
    dir.cleanup();
  });
  const who = { staffId: 'staff_1', stationId: 'station-1' };
  const svc = (g: RefundsGatewayPort = gateway) => new RefundsService({ gateway: g, db, clock: systemClock });
  const row = (requestId: string) =>
    db
      .prepare<[string], { state: string; attempt: number; idempotency_key: string; refund_id: string | null; amount: number }>(
        'SELECT * FROM desk_refunds WHERE request_id = ?',
      )
      .get(requestId);

  it('refunds part, then the rest; an over-refund is refused with a field error and writes nothing', async () => {
    const pi = await paid(3000);
    const part = await svc().refund({
      requestId: randomUUID(),
      paymentIntentId: pi.id,
      amount: 1000,
      reason: 'requested_by_customer',
      ...who,
    });
    expect(part.refund).toMatchObject({ amount: 1000, paymentIntentId: pi.id, reason: 'requested_by_customer', status: 'succeeded' });
    expect(part.refund.metadata).toMatchObject({ station_id: 'station-1', staff_id: 'staff_1' });
    const overId = randomUUID();
    const over = await svc()
      .refund({ requestId: overId, paymentIntentId: pi.id, amount: 2001, reason: 'requested_by_customer', ...who })
      .catch((e: unknown) => e);
    expect(over).toBeInstanceOf(AppError);
    expect(over).toMatchObject({ code: 'invalid_request', field: 'amount' });
    expect((over as AppError).message).toContain('$20.00');
    expect(row(overId)).toBeUndefined();
    expect(await svc().listRefunds(pi.id)).toHaveLength(1);
    expect(await svc().refundable(pi.id)).toEqual({ amount: 3000, refundable: 2000, currency: 'usd' });
    const rest = await svc().refund({ requestId: randomUUID(), paymentIntentId: pi.id, reason: 'duplicate', ...who });
    expect(rest.refund.amount).toBe(2000);
    await expect(
      svc().refund({ requestId: randomUUID(), paymentIntentId: pi.id, amount: 1, reason: 'duplicate', ...who }),
    ).rejects.toMatchObject({ code: 'invalid_request', field: 'amount' });
    await expect(
      svc().refund({ requestId: randomUUID(), paymentIntentId: pi.id, amount: 0, reason: 'duplicate', ...who }),
    ).rejects.toMatchObject({ field: 'amount' });
    await expect(
      svc().refund({ requestId: randomUUID(), paymentIntentId: 'pi_missing', amount: 5, reason: 'duplicate', ...who }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a repeat of the same request answers with the recorded refund; the same id with other details is refused', async () => {
    const pi = await paid(4000);
    const requestId = randomUUID();
    const one = svc(); // the main process has one
    const [a, b] = await Promise.all([
      one.refund({ requestId, paymentIntentId: pi.id, amount: 1500, reason: 'requested_by_customer', ...who }),
      one.refund({ requestId, paymentIntentId: pi.id, amount: 1500, reason: 'requested_by_customer', ...who }),
    ]);
    const again = await svc().refund({ requestId, paymentIntentId: pi.id, amount: 1500, reason: 'requested_by_customer', ...who });
    expect(new Set([a.refund.id, b.refund.id, again.refund.id]).size).toBe(1);
    expect(again.replayed).toBe(true);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(1);
    await expect(
      svc().refund({ requestId, paymentIntentId: pi.id, amount: 999, reason: 'requested_by_customer', ...who }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(1);
  });

  it('an answer lost after Stripe refunded: Refund again resends the stored key, and Stripe replays instead of refunding twice', async () => {
    const pi = await paid(5000);
    const requestId = randomUUID();
    let lose = true;
    const lossy: RefundsGatewayPort = {
      retrieveIntent: (id) => gateway.retrieveIntent(id),
      listRefunds: (id) => gateway.listRefunds(id),
      adjustCustomerBalance: (...a) => gateway.adjustCustomerBalance(...a),
      findBalanceTransaction: (...a) => gateway.findBalanceTransaction(...a),
      createRefund: async (input, opts) => {
        const r = await gateway.createRefund(input, opts);
        if (lose) {
          lose = false;
          throw new GatewayError('unavailable', 'socket hang up');
        }
        return r;
      },
    };
    const first = await svc(lossy)
      .refund({ requestId, paymentIntentId: pi.id, amount: 5000, reason: 'requested_by_customer', ...who })
      .catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'stripe_unavailable' });
    expect(row(requestId)).toMatchObject({ state: 'pending', attempt: 1, idempotency_key: `refund:${requestId}:1` });
    // The payment is now fully refunded at Stripe; without the stored key the retry would be refused or doubled.
    const second = await svc(lossy).refund({ requestId, paymentIntentId: pi.id, amount: 5000, reason: 'requested_by_customer', ...who });
    expect(second.refund.amount).toBe(5000);
    expect(row(requestId)).toMatchObject({ state: 'succeeded', refund_id: second.refund.id });
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(1);
  });

  it('after a restart, pending refunds are settled from Stripe by their request id, or closed as not sent', async () => {
    const sent = await paid(2500);
    const notSent = await paid(2500);
    const sentId = randomUUID();
    const notSentId = randomUUID();
    // Crash after Stripe answered but before the local commit...
    const crashAfter: RefundsGatewayPort = {
      retrieveIntent: (id) => gateway.retrieveIntent(id),
      listRefunds: (id) => gateway.listRefunds(id),
      adjustCustomerBalance: (...a) => gateway.adjustCustomerBalance(...a),
      findBalanceTransaction: (...a) => gateway.findBalanceTransaction(...a),
      createRefund: async (input, opts) => {
        await gateway.createRefund(input, opts);
        throw new Error('process died');
      },
    };
    await svc(crashAfter)
      .refund({ requestId: sentId, paymentIntentId: sent.id, amount: 700, reason: 'duplicate', ...who })
      .catch(() => undefined);
    // ...and before the request left.
    const crashBefore: RefundsGatewayPort = { ...crashAfter, createRefund: () => Promise.reject(new Error('process died')) };
    await svc(crashBefore)
      .refund({ requestId: notSentId, paymentIntentId: notSent.id, amount: 700, reason: 'duplicate', ...who })
      .catch(() => undefined);
    expect(row(sentId)?.state).toBe('pending');
    expect(row(notSentId)?.state).toBe('pending');

    expect(await svc().reconcile()).toEqual({ settled: 1, notSent: 1 });
    const refunds = (await stripe.refunds.list({ payment_intent: sent.id })).data;
    expect(refunds).toHaveLength(1);
    expect(row(sentId)).toMatchObject({ state: 'succeeded', refund_id: refunds[0]!.id, amount: 700 });
    expect(row(notSentId)?.state).toBe('failed');
    expect((await stripe.refunds.list({ payment_intent: notSent.id })).data).toHaveLength(0);
    // The settled request answers from its record; the closed one may be started again under a new key.
    expect((await svc().refund({ requestId: sentId, paymentIntentId: sent.id, amount: 700, reason: 'duplicate', ...who })).replayed).toBe(
      true,
    );
    const retried = await svc().refund({ requestId: notSentId, paymentIntentId: notSent.id, amount: 700, reason: 'duplicate', ...who });
    expect(retried.refund.amount).toBe(700);
    expect(row(notSentId)).toMatchObject({ state: 'succeeded', attempt: 2, idempotency_key: `refund:${notSentId}:2` });
  });

  it('refunds a captured card_present payment', async () => {
    const loc = await gateway.createLocation({ displayName: 'R', country: 'US' });
    const reader = await gateway.registerReader({ registrationCode: 'simulated-s700', label: 'R1', locationId: loc.id });
    const pi = await gateway.createTerminalIntent({ amount: 1200, currency: 'usd', customerId: null, metadata: {} });
    await gateway.processPaymentIntent(reader.id, pi.id);
    await gateway.presentPaymentMethod(reader.id);
    await gateway.captureIntent(pi.id);
    const r = await svc().refund({ requestId: randomUUID(), paymentIntentId: pi.id, amount: 200, reason: 'requested_by_customer', ...who });
    expect(r.refund.amount).toBe(200);
    expect((await gateway.retrieveIntent(pi.id)).refundable).toBe(1000);
  });
});
