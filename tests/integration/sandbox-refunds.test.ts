/** Refunds and payment records (cash, checks) in the sandbox, over the wire; and RefundsService on top. */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/main/services/clock.js';
import { AppError } from '../../electron/main/services/errors.js';
import { RefundsService } from '../../electron/main/services/refunds/refunds-service.js';
import { TerminalGateway } from '../../electron/main/stripe/terminal-gateway.js';
import { startTestSandbox, TEST_SECRET_KEY, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
let stripe: Stripe;
let gateway: TerminalGateway;
beforeAll(async () => {
  t = await startTestSandbox();
  stripe = t.stripe;
  gateway = new TerminalGateway({ secretKey: TEST_SECRET_KEY, endpoint: { host: '127.0.0.1', port: t.port, protocol: 'http' }, clock: systemClock, maxNetworkRetries: 0 });
});
afterAll(() => t.stop());

async function paid(amount: number): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, allowed_payment_method_types: ['card'] });
}

async function openInvoice(amount: number) {
  const cus = await stripe.customers.create({ name: 'Cash Payer', email: 'cash@x.io' });
  const inv = await stripe.invoices.create({ customer: cus.id });
  await stripe.invoiceItems.create({ customer: cus.id, amount, currency: 'usd', invoice: inv.id, description: 'Fees' });
  return { cus, inv: await stripe.invoices.finalizeInvoice(inv.id) };
}

async function cashRecord(amount: number, name = 'Cash', customer?: string, outcome: 'guaranteed' | 'failed' = 'guaranteed'): Promise<Stripe.PaymentRecord> {
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
    expect(re).toMatchObject({ object: 'refund', amount: 2000, currency: 'usd', status: 'succeeded', payment_intent: pi.id, charge: pi.latest_charge, reason: 'requested_by_customer', metadata: { staff: 's1' } });
    const ch = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(ch).toMatchObject({ amount_refunded: 2000, refunded: true });
    expect(await stripe.refunds.retrieve(re.id)).toMatchObject({ id: re.id, amount: 2000 });
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
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
    const held = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', allowed_payment_method_types: ['card'] });
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
      object: 'payment_record', amount_requested: { value: 4000, currency: 'usd' }, amount_guaranteed: { value: 4000, currency: 'usd' },
      payment_method_details: { type: 'custom', custom: { display_name: 'Cash' } }, customer_details: { customer: cus.id }, reported_by: 'self', metadata: { station_id: 'kiosk-1' },
    });
    expect(await stripe.paymentRecords.retrieve(cash.id)).toMatchObject({ id: cash.id });
    const partial = await stripe.invoices.attachPayment(inv.id, { payment_record: cash.id });
    expect(partial).toMatchObject({ status: 'open', amount_paid: 4000, amount_remaining: 6000 });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: cash.id })).rejects.toMatchObject({ param: 'payment_record' });
    const check = await cashRecord(6000, 'Check #1234', cus.id);
    const done = await stripe.invoices.attachPayment(inv.id, { payment_record: check.id });
    expect(done).toMatchObject({ status: 'paid', amount_paid: 10_000, amount_remaining: 0 });
    const payments = await stripe.invoicePayments.list({ invoice: inv.id });
    expect(payments.data.map((p) => p.payment)).toEqual(expect.arrayContaining([
      { payment_record: cash.id, type: 'payment_record' }, { payment_record: check.id, type: 'payment_record' },
    ]));
    expect(payments.data.every((p) => p.status === 'paid')).toBe(true);
  });

  it('refuses a record that is not guaranteed, in another currency, or a bad report', async () => {
    const { inv } = await openInvoice(1000);
    const failed = await cashRecord(1000, 'Check #99', undefined, 'failed');
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: failed.id })).rejects.toMatchObject({ param: 'payment_record' });
    await expect(stripe.paymentRecords.reportPayment({ amount_requested: { value: 100, currency: 'usd' }, payment_method_details: { type: 'custom', custom: { display_name: 'Cash' } } } as never))
      .rejects.toMatchObject({ param: 'initiated_at' });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: 'pr_missing' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('the gateway reports cash and attaches it', async () => {
    const { cus, inv } = await openInvoice(2500);
    const id = await gateway.reportOfflinePayment({ amount: 2500, currency: 'usd', displayName: 'Cash', customerId: cus.id, initiatedAt: Math.floor(Date.now() / 1000), metadata: { station_id: 'k' } }, { idempotencyKey: `cash-${inv.id}` });
    expect(await gateway.attachRecordToInvoice(inv.id, id, { idempotencyKey: `cash-${inv.id}:attach` })).toEqual({ amountPaid: 2500, amountRemaining: 0, paid: true });
  });
});

describe('RefundsService', () => {
  it('refunds part, then the rest; an over-refund is refused with a field error and writes nothing', async () => {
    const svc = new RefundsService({ gateway });
    const pi = await paid(3000);
    const part = await svc.refund({ paymentIntentId: pi.id, amount: 1000, reason: 'requested_by_customer', idempotencyKey: `refund-${pi.id}-1` });
    expect(part).toMatchObject({ amount: 1000, paymentIntentId: pi.id, reason: 'requested_by_customer', status: 'succeeded' });
    const over = await svc.refund({ paymentIntentId: pi.id, amount: 2001 }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(AppError);
    expect(over).toMatchObject({ code: 'invalid_request', field: 'amount' });
    expect((over as AppError).message).toContain('$20.00');
    expect(await svc.listRefunds(pi.id)).toHaveLength(1);
    const rest = await svc.refund({ paymentIntentId: pi.id });
    expect(rest.amount).toBe(2000);
    await expect(svc.refund({ paymentIntentId: pi.id, amount: 1 })).rejects.toMatchObject({ code: 'invalid_request', field: 'amount' });
    await expect(svc.refund({ paymentIntentId: pi.id, amount: 0 })).rejects.toMatchObject({ field: 'amount' });
    await expect(svc.refund({ paymentIntentId: 'pi_missing', amount: 5 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refunds a captured card_present payment', async () => {
    const loc = await gateway.createLocation({ displayName: 'R', country: 'US' });
    const reader = await gateway.registerReader({ registrationCode: 'simulated-s700', label: 'R1', locationId: loc.id });
    const pi = await gateway.createTerminalIntent({ amount: 1200, currency: 'usd', customerId: null, metadata: {} });
    await gateway.processPaymentIntent(reader.id, pi.id);
    await gateway.presentPaymentMethod(reader.id);
    await gateway.captureIntent(pi.id);
    const r = await new RefundsService({ gateway }).refund({ paymentIntentId: pi.id, amount: 200 });
    expect(r.amount).toBe(200);
    expect((await gateway.retrieveIntent(pi.id)).refundable).toBe(1000);
  });
});
