/**
 * Payments on account at the front desk (no invoice): card on the training reader, cash and check,
 * online and offline. Each is credited to the customer's balance in Stripe exactly once (a customer
 * balance transaction), even when the credit step's answer is lost and the step runs again; the next
 * invoice finalized for the customer uses the credit; a refund takes it back. Through the real
 * composition, the real SDK and the sandbox (its /__sandbox/faults switch loses or fails chosen requests).
 */
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { startTestPrinter, type TestPrinter } from '../helpers/receipt-printer';
import { until } from '../helpers/until';

let k: TestKiosk;
let readerId: string;
let staffId: string;
let printer: TestPrinter;
beforeAll(async () => {
  k = await startTestKiosk();
  staffId = (await k.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' })).staff.id;
  readerId = (await k.ok('mgr', 'deskReaders', {})).chosenReaderId!;
  await k.kiosk.sync.runOnce();
  printer = await startTestPrinter();
  new SettingsService(createConfStore(k.dir)).update({ receiptPrinter: { kind: 'network', host: '127.0.0.1', port: printer.port } });
});
afterAll(async () => {
  await k.admin('/__sandbox/outage', { mode: 'off' }).catch(() => undefined);
  await k.admin('/__sandbox/faults', { mode: 'off' }).catch(() => undefined);
  await printer.off();
  await k.stop();
});

const CREDIT_REQUEST = '^POST /v1/customers/[^/]+/balance_transactions$';

/** A fresh customer for each test, in Stripe and in the station's local copy, so balances start at zero. */
async function newCustomer(name: string): Promise<string> {
  const c = await k.stripe.customers.create({ name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` });
  await k.kiosk.sync.runOnce();
  return c.id;
}
const balanceOf = async (id: string) => ((await k.stripe.customers.retrieve(id)) as Stripe.Customer).balance;
const txns = async (id: string) => (await k.stripe.customers.listBalanceTransactions(id, { limit: 100 })).data;
const file = (customerId: string) => k.ok('mgr', 'deskCustomer', { customerId });
const settled = (paymentId: string) =>
  until(async () => {
    const p = await k.ok('mgr', 'deskCardPayment', { paymentId });
    return ['succeeded', 'failed', 'canceled', 'unknown'].includes(p.status) ? p : null;
  });
const queueState = async (id: string) => (await k.ok('mgr', 'deskQueue', {})).items.find((i) => i.id === id)?.state;
const recordsFor = async (paymentId: string) =>
  (await k.stripe.paymentRecords.list({ limit: 100 })).data.filter((r) => r.metadata?.['desk_payment_id'] === paymentId);

async function cardOnAccount(customerId: string, amount: number) {
  const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId, amount });
  expect(started.status).toBe('waiting_for_card');
  await k.ok('mgr', 'deskPresentTestCard', { readerId, card: 'visa' });
  return settled(started.paymentId);
}

describe('card on account (training reader)', () => {
  it('is captured, then credited to the customer once; the file shows the credit; the receipt says "On account"', async () => {
    const cus = await newCustomer('Card Credit');
    const done = await cardOnAccount(cus, 2500);
    expect(done).toMatchObject({ status: 'succeeded', amount: 2500, invoiceId: null, invoiceAttached: true, message: null });
    const pi = await k.stripe.paymentIntents.retrieve(done.paymentIntentId!);
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: 2500, customer: cus });
    expect(pi.metadata).toMatchObject({ on_account: 'true', channel: 'desk', station_id: 'station-1', staff_id: staffId });
    expect(pi.metadata['invoice_id']).toBeUndefined();
    expect(await balanceOf(cus)).toBe(-2500);
    const [credit, ...more] = await txns(cus);
    expect(more).toEqual([]);
    expect(credit).toMatchObject({
      amount: -2500,
      currency: 'usd',
      type: 'adjustment',
      ending_balance: -2500,
      metadata: { station_id: 'station-1', staff_id: staffId, desk_payment_id: done.paymentId, payment_intent: pi.id },
    });
    // The desk's local copy knows the new balance at once (the sync brings the same later).
    expect((await file(cus)).balance).toEqual({ amount: -2500, currency: 'usd' });
    await k.kiosk.sync.runOnce();
    expect((await file(cus)).balance).toEqual({ amount: -2500, currency: 'usd' });

    expect(await k.ok('mgr', 'deskPrintReceipt', { paymentId: done.paymentId })).toMatchObject({ printed: true });
    const paper = printer.jobs.at(-1)!.toString('latin1');
    expect(paper).toContain('On account');
    expect(paper).toContain('25.00');
    // A reprint built from Stripe's data (as another station would) says the same.
    expect(await k.ok('mgr', 'deskReprintReceipt', { paymentId: pi.id })).toMatchObject({ printed: true });
    expect(printer.jobs.at(-1)!.toString('latin1')).toContain('On account');
  });

  it('credit answer lost: the payment says so, a refund waits for it, Retry finishes it, and the balance is credited once', async () => {
    const cus = await newCustomer('Lost Credit Answer');
    // The credit is made at Stripe, but its answer is lost (three times: the SDK's own retries too).
    await k.admin('/__sandbox/faults', { pattern: CREDIT_REQUEST, mode: 'lose_answer', times: '3' });
    const done = await cardOnAccount(cus, 1800);
    expect(done).toMatchObject({ status: 'succeeded', invoiceAttached: false });
    expect(done.message).toMatch(/account is not credited yet.*Retry/);
    expect(await balanceOf(cus)).toBe(-1800);
    // Money taken but the credit not confirmed here: a refund would leave the credit behind, so it waits.
    const early = await k.call('mgr', 'deskRefund', {
      requestId: randomUUID(),
      paymentIntentId: done.paymentIntentId!,
      reason: 'requested_by_customer',
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/Retry/) } });

    const retried = await k.ok('mgr', 'deskRetryCardPayment', { paymentId: done.paymentId });
    const after = retried.status === 'succeeded' ? retried : await settled(done.paymentId);
    expect(after).toMatchObject({ status: 'succeeded', invoiceAttached: true, message: null });
    expect(await balanceOf(cus)).toBe(-1800);
    expect((await txns(cus)).map((t) => t.amount)).toEqual([-1800]);
    expect((await k.stripe.charges.list({ payment_intent: done.paymentIntentId! })).data).toHaveLength(1);
    expect(await k.call('mgr', 'deskRetryCardPayment', { paymentId: done.paymentId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('credit refused (nothing made): Retry makes it once', async () => {
    const cus = await newCustomer('Refused Credit');
    await k.admin('/__sandbox/faults', { pattern: CREDIT_REQUEST, mode: 'fail', times: '3' });
    const done = await cardOnAccount(cus, 900);
    expect(done).toMatchObject({ status: 'succeeded', invoiceAttached: false });
    expect(await txns(cus)).toEqual([]);
    await k.ok('mgr', 'deskRetryCardPayment', { paymentId: done.paymentId });
    expect(await settled(done.paymentId)).toMatchObject({ status: 'succeeded', invoiceAttached: true });
    expect(await balanceOf(cus)).toBe(-900);
    expect((await txns(cus)).map((t) => t.amount)).toEqual([-900]);
  });

  it('a refund takes the credit back, once, even when that answer is lost', async () => {
    const cus = await newCustomer('Refund Credit');
    const done = await cardOnAccount(cus, 3000);
    const requestId = randomUUID();
    await k.admin('/__sandbox/faults', { pattern: CREDIT_REQUEST, mode: 'lose_answer', times: '3' });
    const first = await k.call('mgr', 'deskRefund', {
      requestId,
      paymentIntentId: done.paymentIntentId!,
      amount: 1000,
      reason: 'requested_by_customer',
    });
    expect(first).toMatchObject({
      ok: false,
      error: { code: 'stripe_unavailable', message: expect.stringMatching(/refund was made.*Refund again/) },
    });
    const again = await k.ok('mgr', 'deskRefund', {
      requestId,
      paymentIntentId: done.paymentIntentId!,
      amount: 1000,
      reason: 'requested_by_customer',
    });
    expect(again.amount).toBe(1000);
    expect((await k.stripe.refunds.list({ payment_intent: done.paymentIntentId! })).data).toHaveLength(1);
    expect(await balanceOf(cus)).toBe(-2000);
    const debit = (await txns(cus)).filter((t) => t.amount > 0);
    expect(debit).toEqual([
      expect.objectContaining({
        amount: 1000,
        metadata: expect.objectContaining({ refund: again.refundId, payment_intent: done.paymentIntentId }),
      }),
    ]);
    const actions = (await k.ok('mgr', 'deskAudit', { limit: 500 })).entries
      .filter((e) => e.detail?.includes(requestId))
      .map((e) => e.action);
    expect(actions.filter((a) => a === 'refund.created')).toHaveLength(1);
  });
});

describe('card on account with the Terminal JS driver', () => {
  let j: TestKiosk;
  let jsReader: string;
  beforeAll(async () => {
    j = await startTestKiosk({ settings: { terminalDriver: 'js' } });
    await j.ok('mgr', 'deskCreateFirstManager', { name: 'Jo Manager', pin: '1357' });
    jsReader = (await j.ok('mgr', 'deskReaders', {})).chosenReaderId!;
  });
  afterAll(async () => {
    await j.admin('/__sandbox/faults', { mode: 'off' }).catch(() => undefined);
    await j.stop();
  });

  it('capture credits the account; a lost credit answer is finished by Retry, once', async () => {
    const cus = (await j.stripe.customers.create({ name: 'JS Credit' })).id;
    await j.kiosk.sync.runOnce();
    const created = await j.ok('mgr', 'deskCreateTerminalJsPayment', {
      invoiceId: null,
      customerId: cus,
      amount: 2200,
      readerId: jsReader,
    });
    // What the window's SDK does on Stripe's side: the reader reads a Visa for this intent.
    const piId = created.clientSecret.split('_secret_')[0]!;
    await j.stripe.terminal.readers.processPaymentIntent(jsReader, { payment_intent: piId });
    await j.stripe.testHelpers.terminal.readers.presentPaymentMethod(jsReader, { type: 'card_present' });
    await j.admin('/__sandbox/faults', { pattern: CREDIT_REQUEST, mode: 'lose_answer', times: '3' });
    const captured = await j.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.attemptId });
    expect(captured).toMatchObject({ status: 'succeeded', invoiceId: null, invoiceAttached: false });
    const retried = await j.ok('mgr', 'deskRetryCardPayment', { paymentId: created.attemptId });
    expect(retried).toMatchObject({ status: 'succeeded', invoiceAttached: true });
    const list = (await j.stripe.customers.listBalanceTransactions(cus)).data;
    expect(list.map((t) => [t.amount, t.metadata?.['payment_intent']])).toEqual([[-2200, piId]]);
    expect(((await j.stripe.customers.retrieve(cus)) as Stripe.Customer).balance).toBe(-2200);
    // Settled: capturing again answers with the record and credits nothing more.
    expect(await j.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.attemptId })).toMatchObject({ invoiceAttached: true });
    expect((await j.stripe.customers.listBalanceTransactions(cus)).data).toHaveLength(1);
  });
});

describe('cash and check on account', () => {
  it('cash online: a payment record for the customer, then one credit; counted in the report; receipt says "On account"', async () => {
    const cus = await newCustomer('Cash Credit');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date());
    const before = await k.ok('mgr', 'deskReport', { date: today, scope: 'station' });
    const r = await k.ok('mgr', 'deskRecordOnAccount', { method: 'cash', customerId: cus, amount: 2000 });
    expect(r).toMatchObject({ status: 'sent', amount: 2000, currency: 'usd', message: null });
    const [record, ...others] = await recordsFor(r.paymentId);
    expect(others).toEqual([]);
    expect(record!.customer_details?.customer).toBe(cus);
    expect(record!.metadata).toMatchObject({ method: 'cash', on_account: 'true', station_id: 'station-1', staff_id: staffId });
    expect(record!.metadata['invoice_id']).toBeUndefined();
    expect(await balanceOf(cus)).toBe(-2000);
    expect(await txns(cus)).toEqual([
      expect.objectContaining({
        amount: -2000,
        metadata: expect.objectContaining({
          payment_record: record!.id,
          desk_payment_id: r.paymentId,
          station_id: 'station-1',
          staff_id: staffId,
        }),
      }),
    ]);
    const f = await file(cus);
    expect(f.balance).toEqual({ amount: -2000, currency: 'usd' });
    expect(f.payments).toEqual([
      expect.objectContaining({
        id: record!.id,
        amount: 2000,
        status: 'succeeded',
        invoiceId: null,
        method: expect.objectContaining({ type: 'cash' }),
      }),
    ]);
    // The end-of-day report counts it like any cash, under the staff member who took it.
    const after = await k.ok('mgr', 'deskReport', { date: today, scope: 'station' });
    const cash = (rep: typeof after) => rep.byMethod.find((m) => m.method === 'cash')!;
    expect(cash(after).count - cash(before).count).toBe(1);
    expect(cash(after).amount - cash(before).amount).toBe(2000);
    const mia = (rep: typeof after) => rep.byStaff.find((s) => s.staffId === staffId)?.amount ?? 0;
    expect(mia(after) - mia(before)).toBe(2000);

    expect(await k.ok('mgr', 'deskPrintReceipt', { paymentId: r.paymentId })).toMatchObject({ printed: true });
    expect(printer.jobs.at(-1)!.toString('latin1')).toContain('On account');
  });

  it('offline: queued, then sent exactly once when the line is back; the next invoice uses the credit', async () => {
    const cus = await newCustomer('Offline Credit');
    await k.admin('/__sandbox/outage', { mode: 'refuse' });
    const r = await k.ok('mgr', 'deskRecordOnAccount', { method: 'check', customerId: cus, amount: 4500, checkNumber: '3301' });
    expect(r.status).toBe('queued');
    expect(r.message).toMatch(/connection/);
    expect((await file(cus)).payments).toEqual([
      expect.objectContaining({ id: r.paymentId, status: 'queued', invoiceId: null, amount: 4500 }),
    ]);
    await k.admin('/__sandbox/outage', { mode: 'off' });
    expect(await balanceOf(cus)).toBe(0);
    await until(async () => {
      await k.kiosk.outbox.drain();
      return (await queueState(r.queueId)) === 'succeeded';
    });
    await k.kiosk.outbox.drain();
    const records = await recordsFor(r.paymentId);
    expect(records).toHaveLength(1);
    expect(records[0]!.metadata).toMatchObject({ method: 'check', check_number: '3301', on_account: 'true' });
    expect((await txns(cus)).map((t) => [t.amount, t.metadata?.['payment_record']])).toEqual([[-4500, records[0]!.id]]);
    expect(await balanceOf(cus)).toBe(-4500);

    // The billing system's next invoice for this customer: Stripe applies the credit at finalization.
    const draft = await k.stripe.invoices.create({ customer: cus, collection_method: 'send_invoice', days_until_due: 30 });
    await k.stripe.invoiceItems.create({ customer: cus, invoice: draft.id, amount: 6000, currency: 'usd', description: 'Water, March' });
    const inv = await k.stripe.invoices.finalizeInvoice(draft.id);
    expect(inv).toMatchObject({
      status: 'open',
      total: 6000,
      starting_balance: -4500,
      ending_balance: 0,
      amount_due: 1500,
      amount_remaining: 1500,
    });
    expect(await balanceOf(cus)).toBe(0);
    // The desk sees the invoice with only the rest due, and the credit used up.
    await k.kiosk.sync.runOnce();
    const f = await file(cus);
    expect(f.invoices).toEqual([expect.objectContaining({ id: inv.id, total: 6000, amountRemaining: 1500 })]);
    expect(f.balance).toEqual({ amount: 0, currency: 'usd' });
  });

  it('the credit step retried by the queue (answer lost) credits once', async () => {
    const cus = await newCustomer('Queue Retry Credit');
    await k.admin('/__sandbox/faults', { pattern: CREDIT_REQUEST, mode: 'lose_answer', times: '3' });
    const r = await k.ok('mgr', 'deskRecordOnAccount', { method: 'cash', customerId: cus, amount: 1234 });
    // The record is at Stripe, the credit's answer was lost: the item waits to be sent again.
    expect(r.status).toBe('queued');
    expect(await recordsFor(r.paymentId)).toHaveLength(1);
    await until(async () => {
      await k.kiosk.outbox.drain();
      return (await queueState(r.queueId)) === 'succeeded';
    });
    expect(await recordsFor(r.paymentId)).toHaveLength(1);
    expect((await txns(cus)).map((t) => t.amount)).toEqual([-1234]);
    expect(await balanceOf(cus)).toBe(-1234);
    expect((await file(cus)).balance).toEqual({ amount: -1234, currency: 'usd' });
  });

  it('bad input gets a field message and writes nothing', async () => {
    const cus = await newCustomer('Bad Input');
    const queued = k.kiosk.outbox.list().length;
    const bad = [
      [{ method: 'cash', customerId: cus, amount: 0 }, 'amount'],
      [{ method: 'cash', customerId: cus, amount: -500 }, 'amount'],
      [{ method: 'cash', customerId: cus, amount: 12.345 }, 'amount'],
      [{ method: 'cash', customerId: cus, amount: 100_000_000 }, 'amount'],
      [{ method: 'check', customerId: cus, amount: 500 }, 'checkNumber'],
      [{ method: 'check', customerId: cus, amount: 500, checkNumber: '  ' }, 'checkNumber'],
    ] as const;
    for (const [request, field] of bad) {
      expect(await k.call('mgr', 'deskRecordOnAccount', request as never)).toMatchObject({
        ok: false,
        error: { code: 'invalid_request', field },
      });
    }
    expect(await k.call('mgr', 'deskRecordOnAccount', { method: 'cash', customerId: 'cus_doesnotexist', amount: 500 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await k.call('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: 'cus_doesnotexist', amount: 500 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await k.call('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: cus, amount: 0 })).toMatchObject({
      ok: false,
      error: { field: 'amount' },
    });
    expect(k.kiosk.outbox.list()).toHaveLength(queued);
    expect((await file(cus)).payments).toEqual([]);
    expect(await txns(cus)).toEqual([]);
  });
});
