/** Front desk card-present payments on the training reader, and refunds, through the real composition and sandbox. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardPaymentView } from '../../electron/shared/contract-desk';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { until } from '../helpers/until';

let k: TestKiosk;
let readerId: string;
let staffId: string;
const updates: CardPaymentView[] = [];
beforeAll(async () => {
  k = await startTestKiosk();
  staffId = (await k.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' })).staff.id;
  k.kiosk.events.connect('mgr', (channel, payload) => {
    if (channel === 'event:deskPaymentUpdate') updates.push(payload as CardPaymentView);
  });
  readerId = (await k.ok('mgr', 'deskReaders', {})).chosenReaderId!;
});
afterAll(async () => k.stop());

const settled = (paymentId: string) =>
  until(async () => {
    const p = await k.ok('mgr', 'deskCardPayment', { paymentId });
    return ['succeeded', 'failed', 'canceled', 'unknown'].includes(p.status) ? p : null;
  });
const openInvoice = async () => {
  const list = await k.stripe.invoices.list({ limit: 100, status: 'open' });
  return list.data.filter((i) => i.amount_remaining > 5000).sort((a, b) => b.amount_remaining - a.amount_remaining)[0]!;
};
const customerId = async () => (await k.stripe.customers.list({ limit: 1 })).data[0]!.id;

describe('readers', () => {
  it('training mode registers the simulated reader for this station', async () => {
    const { readers, chosenReaderId } = await k.ok('mgr', 'deskReaders', {});
    expect(chosenReaderId).toBeTruthy();
    expect(readers.find((r) => r.id === chosenReaderId)).toMatchObject({ simulated: true, status: 'online', busy: false });
    const added = await k.ok('mgr', 'deskRegisterReader', { registrationCode: 'simulated-s700', label: 'Counter 2' });
    expect(added.model).toBe('stripe_s700');
    expect(await k.call('mgr', 'deskRegisterReader', { registrationCode: 'bogus-code', label: 'X' })).toMatchObject({
      ok: false,
      error: { field: 'registrationCode' },
    });
    expect(await k.call('mgr', 'deskChooseReader', { readerId: 'tmr_doesnotexist' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await k.ok('mgr', 'deskChooseReader', { readerId: chosenReaderId! });
  });
});

describe('card-present payments', () => {
  it('another payment pays the invoice while the card is read: the authorization is released, nothing is captured, the invoice is not overpaid', async () => {
    const inv = await openInvoice();
    const started = await k.ok('mgr', 'deskTakeCardPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: inv.amount_remaining,
    });
    expect(started.status).toBe('waiting_for_card');
    // On this station the invoice is claimed by the card payment: cash for it is refused until that ends.
    expect(await k.call('mgr', 'deskRecordCash', { invoiceId: inv.id, amount: 1000 })).toMatchObject({
      ok: false,
      error: { code: 'conflict', reason: 'invoice_in_progress' },
    });
    // Meanwhile a clerk at another station takes cash for part of it (a payment record attached at Stripe).
    const now = Math.floor(Date.now() / 1000);
    const record = await k.stripe.paymentRecords.reportPayment({
      amount_requested: { value: 1000, currency: 'usd' },
      initiated_at: now,
      payment_method_details: { type: 'custom', custom: { display_name: 'Cash' } },
      customer_details: { customer: inv.customer as string },
      customer_presence: 'on_session',
      outcome: 'guaranteed',
      guaranteed: { guaranteed_at: now },
      metadata: { station_id: 'station-2', method: 'cash' },
    });
    await k.stripe.invoices.attachPayment(inv.id, { payment_record: record.id });
    await k.ok('mgr', 'deskPresentTestCard', { readerId, card: 'visa' });
    const done = await settled(started.paymentId);
    expect(done).toMatchObject({ status: 'failed' });
    expect(done.message).toContain('nothing was charged');
    const pi = await k.stripe.paymentIntents.retrieve(
      done.paymentIntentId ?? (await k.stripe.paymentIntents.list({ limit: 1 })).data[0]!.id,
    );
    expect(pi.status).toBe('canceled');
    expect(pi.amount_received).toBe(0);
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining - 1000);
  });

  it('takes a payment for an invoice: reader waits, card tapped, captured, invoice credited, receipt fields kept', async () => {
    const inv = await openInvoice();
    const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: inv.id, customerId: inv.customer as string, amount: 1500 });
    expect(started.status).toBe('waiting_for_card');
    expect((await k.ok('mgr', 'deskReaders', {})).readers.find((r) => r.id === readerId)!.busy).toBe(true);
    await k.ok('mgr', 'deskPresentTestCard', { readerId, card: 'visa' });
    const done = await settled(started.paymentId);
    expect(done).toMatchObject({ status: 'succeeded', amount: 1500, brand: 'visa', last4: '4242', invoiceAttached: true });
    expect(done.confirmation).toBe(done.paymentIntentId);
    expect(done.receipt?.applicationPreferredName).toBeTruthy();
    expect(done.receipt?.dedicatedFileName).toMatch(/^[0-9A-F]+$/i);
    expect(done.receipt?.authorizationResponseCode).toBeTruthy();
    const pi = await k.stripe.paymentIntents.retrieve(done.paymentIntentId!);
    expect(pi.metadata).toMatchObject({ station_id: 'station-1', staff_id: staffId, invoice_id: inv.id, channel: 'desk' });
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining - 1500);
    const seen = updates.filter((u) => u.paymentId === started.paymentId).map((u) => u.status);
    expect(seen).toEqual(expect.arrayContaining(['waiting_for_card', 'capturing', 'succeeded']));
    // One charge only, and asking again gives the same answer.
    expect((await k.stripe.charges.list({ payment_intent: pi.id })).data).toHaveLength(1);
    expect(await k.ok('mgr', 'deskCardPayment', { paymentId: started.paymentId })).toEqual(done);
    expect(await k.call('mgr', 'deskRetryCardPayment', { paymentId: started.paymentId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('refuses more than the invoice has left, before anything is sent', async () => {
    const inv = await openInvoice();
    const r = await k.call('mgr', 'deskTakeCardPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: inv.amount_remaining + 1,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'amount' } });
  });

  const declines: [string, RegExp][] = [
    ['declined', /declined/],
    ['insufficient_funds', /insufficient funds/],
    ['lost_card', /declined/],
    ['stolen_card', /declined/],
    ['expired', /expired/],
    ['processing_error', /could not be processed/],
  ];
  for (const [card, message] of declines) {
    it(`a ${card} card fails with plain words`, async () => {
      const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: await customerId(), amount: 1200 });
      await k.ok('mgr', 'deskPresentTestCard', { readerId, card: card as 'declined' });
      const done = await settled(started.paymentId);
      expect(done.status).toBe('failed');
      expect(done.message).toMatch(message);
      expect(done.message).not.toMatch(/stripe|card_error|_/i);
    });
  }

  it('amount-based outcomes: 01 is "call the bank"', async () => {
    const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: await customerId(), amount: 1001 });
    await k.ok('mgr', 'deskPresentTestCard', { readerId, card: 'visa' });
    expect((await settled(started.paymentId)).message).toMatch(/call their bank/);
  });

  it('staff cancel mid-payment, and the customer pressing Cancel on the reader, end as canceled', async () => {
    const a = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: await customerId(), amount: 800 });
    expect(await k.ok('mgr', 'deskCancelCardPayment', { readerId })).toEqual({ canceled: true });
    expect(await settled(a.paymentId)).toMatchObject({ status: 'canceled', message: expect.stringMatching(/canceled/) });
    const b = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: await customerId(), amount: 800 });
    await k.admin(`/__sandbox/readers/${readerId}/customer_cancel`);
    expect((await settled(b.paymentId)).status).toBe('canceled');
    for (const p of [a, b])
      expect(
        (await k.stripe.paymentIntents.retrieve((await k.ok('mgr', 'deskCardPayment', { paymentId: p.paymentId })).paymentIntentId!))
          .status,
      ).not.toBe('succeeded');
  });

  it('a busy reader refuses a second payment; an offline reader says so', async () => {
    const cus = await customerId();
    const [a, b] = await Promise.all([
      k.call('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: cus, amount: 900 }),
      k.call('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: cus, amount: 901 }),
    ]);
    const oks = [a, b].filter((r) => r.ok);
    expect(oks).toHaveLength(1);
    const refused = [a, b].find((r) => !r.ok)!;
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/busy/) } });
    await k.ok('mgr', 'deskCancelCardPayment', { readerId });
    if (oks[0]?.ok) await settled(oks[0].value.paymentId);

    await k.admin(`/__sandbox/readers/${readerId}/status`, { status: 'offline' });
    const off = await k.call('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: cus, amount: 900 });
    expect(off).toMatchObject({ ok: false, error: { message: expect.stringMatching(/offline/) } });
    await k.admin(`/__sandbox/readers/${readerId}/status`, { status: 'online' });
  });

  it('is audited', async () => {
    const { entries } = await k.ok('mgr', 'deskAudit', { limit: 500 });
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['card.started', 'card.succeeded', 'card.failed', 'card.canceled', 'card.cancel_requested'])
      expect(actions).toContain(a);
    const ok = entries.find((e) => e.action === 'card.succeeded')!;
    expect(ok).toMatchObject({ staffId, staffName: 'Mia Manager', amount: 1500, currency: 'usd', stationId: 'station-1' });
  });
});

describe('refunds (manager only)', () => {
  const paid = async (amount: number) => {
    const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: null, customerId: await customerId(), amount });
    await k.ok('mgr', 'deskPresentTestCard', { readerId, card: 'mastercard' });
    return (await settled(started.paymentId)).paymentIntentId!;
  };

  it('partial, then over the rest (refused, nothing written), then the rest; a clerk cannot refund', async () => {
    const pi = await paid(5000);
    const part = await k.ok('mgr', 'deskRefund', {
      requestId: randomUUID(),
      paymentIntentId: pi,
      amount: 2000,
      reason: 'requested_by_customer',
    });
    expect(part).toMatchObject({ amount: 2000, currency: 'usd' });
    const over = await k.call('mgr', 'deskRefund', {
      requestId: randomUUID(),
      paymentIntentId: pi,
      amount: 3001,
      reason: 'requested_by_customer',
    });
    expect(over).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'amount' } });
    expect((await k.stripe.refunds.list({ payment_intent: pi })).data).toHaveLength(1);
    const rest = await k.ok('mgr', 'deskRefund', { requestId: randomUUID(), paymentIntentId: pi, reason: 'requested_by_customer' });
    expect(rest.amount).toBe(3000);
    const refund = await k.stripe.refunds.retrieve(rest.refundId);
    expect(refund.metadata).toMatchObject({ station_id: 'station-1', staff_id: staffId });
    expect(
      await k.call('mgr', 'deskRefund', { requestId: randomUUID(), paymentIntentId: pi, amount: 1, reason: 'duplicate' }),
    ).toMatchObject({ ok: false, error: { field: 'amount' } });

    const full = await paid(700);
    expect((await k.ok('mgr', 'deskRefund', { requestId: randomUUID(), paymentIntentId: full, reason: 'duplicate' })).amount).toBe(700);

    await k.ok('mgr', 'deskAddStaff', { name: 'Cal Clerk', pin: '1111', role: 'clerk' });
    await k.ok('clerk', 'deskSignIn', { name: 'Cal Clerk', pin: '1111' });
    expect(await k.call('clerk', 'deskRefund', { requestId: randomUUID(), paymentIntentId: full, reason: 'duplicate' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const actions = (await k.ok('mgr', 'deskAudit', { limit: 500 })).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'refund.created')).toHaveLength(3);
    expect(actions).toContain('refund.refused');
  });
});
