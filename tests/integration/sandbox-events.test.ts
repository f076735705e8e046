import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

async function typesSince(fn: () => Promise<unknown>): Promise<string[]> {
  const before = (await stripe.events.list({ limit: 1 })).data[0]?.id;
  await fn().catch(() => undefined);
  const out: string[] = [];
  for await (const e of stripe.events.list({ limit: 5, ...(before ? { ending_before: before } : {}) })) out.push(e.type);
  return out; // ending_before auto-pagination yields oldest first
}

describe('events', () => {
  it('records one event per state change, with snapshots and previous_attributes', async () => {
    let cus!: Stripe.Customer;
    expect(await typesSince(async () => (cus = await stripe.customers.create({ name: 'Evented' })))).toEqual(['customer.created']);
    expect(await typesSince(() => stripe.customers.update(cus.id, { name: 'Renamed', metadata: { a: '1' } }))).toEqual([
      'customer.updated',
    ]);
    const upd = (await stripe.events.list({ type: 'customer.updated', limit: 1 })).data[0]!;
    expect((upd.data.object as Stripe.Customer).name).toBe('Renamed');
    expect(upd.data.previous_attributes).toEqual({ name: 'Evented', metadata: {} });
    expect(upd.request?.id).toMatch(/^req_/);
    expect(await typesSince(() => stripe.customers.update(cus.id, { name: 'Renamed' }))).toEqual([]);

    expect(
      await typesSince(() =>
        stripe.paymentIntents.create({
          amount: 100,
          currency: 'usd',
          customer: cus.id,
          payment_method: 'pm_card_visa',
          setup_future_usage: 'off_session',
          confirm: true,
        }),
      ),
    ).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_method.attached', 'payment_intent.succeeded']);
    expect(
      await typesSince(() =>
        stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }),
      ),
    ).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);
    let held!: Stripe.PaymentIntent;
    expect(
      await typesSince(
        async () =>
          (held = await stripe.paymentIntents.create({
            amount: 100,
            currency: 'usd',
            capture_method: 'manual',
            payment_method: 'pm_card_visa',
            confirm: true,
          })),
      ),
    ).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.amount_capturable_updated']);
    expect(await typesSince(() => stripe.paymentIntents.capture(held.id))).toEqual(['charge.captured', 'payment_intent.succeeded']);
    const c2 = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    expect(await typesSince(() => stripe.paymentIntents.cancel(c2.id))).toEqual(['payment_intent.canceled']);
    expect(
      await typesSince(() =>
        stripe.paymentIntents.create({
          amount: 100,
          currency: 'usd',
          allowed_payment_method_types: ['us_bank_account'],
          payment_method: 'pm_usBankAccount_success',
          confirm: true,
          mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '1.1.1.1', user_agent: 'x' } } },
        }),
      ),
    ).toEqual(['payment_intent.created', 'charge.pending', 'payment_intent.processing']);
    expect(await typesSince(() => fetch(`${t.url}/__sandbox/settle`, { method: 'POST' }))).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    expect(await typesSince(() => stripe.setupIntents.create({ customer: cus.id, payment_method: 'pm_card_amex', confirm: true }))).toEqual(
      ['setup_intent.created', 'payment_method.attached', 'setup_intent.succeeded'],
    );
    expect(await typesSince(() => stripe.setupIntents.create({ payment_method: 'pm_card_chargeDeclined', confirm: true }))).toEqual([
      'setup_intent.created',
      'setup_intent.setup_failed',
    ]);
    const pm = (await stripe.customers.listPaymentMethods(cus.id)).data[0]!;
    expect(await typesSince(() => stripe.paymentMethods.detach(pm.id))).toEqual(['payment_method.detached']);

    let inv!: Stripe.Invoice;
    expect(await typesSince(async () => (inv = await stripe.invoices.create({ customer: cus.id })))).toEqual(['invoice.created']);
    expect(await typesSince(() => stripe.invoiceItems.create({ customer: cus.id, amount: 500, currency: 'usd', invoice: inv.id }))).toEqual(
      ['invoiceitem.created', 'invoice.updated'],
    );
    expect(await typesSince(() => stripe.invoices.finalizeInvoice(inv.id))).toEqual(['invoice.finalized']);
    const failed = await typesSince(() => stripe.invoices.pay(inv.id, { payment_method: 'pm_card_chargeDeclined' }));
    expect(failed).toContain('invoice.payment_failed');
    const paid = await typesSince(() => stripe.invoices.pay(inv.id, { payment_method: 'pm_card_visa' }));
    expect(paid).toEqual(
      expect.arrayContaining([
        'payment_intent.succeeded',
        'invoice_payment.paid',
        'invoice.updated',
        'invoice.paid',
        'invoice.payment_succeeded',
      ]),
    );
    const inv2 = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: cus.id })).id).catch(() => null);
    expect(inv2?.status).toBe('paid');
    const inv3 = await stripe.invoices.create({ customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 5, currency: 'usd', invoice: inv3.id });
    await stripe.invoices.finalizeInvoice(inv3.id);
    expect(await typesSince(() => stripe.invoices.voidInvoice(inv3.id))).toEqual(['invoice.voided']);
  });

  it('filters by type, types[] and created, retrieves, and paginates with cursors', async () => {
    const all = await stripe.events.list({ limit: 100 });
    expect(all.data.length).toBeGreaterThan(20);
    const created = await stripe.events.list({ type: 'customer.created' });
    expect(created.data.every((e) => e.type === 'customer.created')).toBe(true);
    const wild = await stripe.events.list({ type: 'invoice.*', limit: 100 });
    expect(wild.data.length).toBeGreaterThan(3);
    expect(wild.data.every((e) => e.type.startsWith('invoice.'))).toBe(true);
    const two = await stripe.events.list({ types: ['charge.failed', 'charge.captured'], limit: 100 });
    expect(new Set(two.data.map((e) => e.type))).toEqual(new Set(['charge.failed', 'charge.captured']));
    const oldest = all.data[all.data.length - 1]!;
    expect((await stripe.events.list({ created: { lt: oldest.created } })).data).toHaveLength(0);
    expect((await stripe.events.list({ created: { gte: oldest.created }, limit: 100 })).data.length).toBe(all.data.length);
    const one = await stripe.events.retrieve(oldest.id);
    expect(one).toMatchObject({ object: 'event', id: oldest.id, api_version: '2026-10-28.endive', livemode: false });
    const p1 = await stripe.events.list({ limit: 4 });
    const p2 = await stripe.events.list({ limit: 4, starting_after: p1.data[3]!.id });
    expect(p2.data[0]!.id).toBe(all.data[4]!.id);
    const ids: string[] = [];
    for await (const e of stripe.events.list({ limit: 7 })) ids.push(e.id);
    expect(ids).toEqual(all.data.map((e) => e.id));
  });
});
