import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

async function openInvoice(amounts: number[], extra: Partial<Stripe.InvoiceCreateParams> = {}) {
  const cus = await stripe.customers.create({ name: 'Billed', email: 'billed@x.io' });
  const inv = await stripe.invoices.create({ customer: cus.id, ...extra });
  for (const amount of amounts)
    await stripe.invoiceItems.create({ customer: cus.id, amount, currency: 'usd', invoice: inv.id, description: `item ${amount}` });
  return { cus, inv: await stripe.invoices.finalizeInvoice(inv.id) };
}

describe('invoices', () => {
  it('creates, adds items, finalizes with a per-customer number', async () => {
    const cus = await stripe.customers.create({ name: 'Numbered' });
    const draft = await stripe.invoices.create({
      customer: cus.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      description: 'Dues',
      metadata: { term: 'fall' },
    });
    expect(draft).toMatchObject({ object: 'invoice', status: 'draft', number: null, amount_due: 0, collection_method: 'send_invoice' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 1500, currency: 'usd', invoice: draft.id, description: 'Tuition' });
    await stripe.invoiceItems.create({
      customer: cus.id,
      unit_amount_decimal: Stripe.Decimal.from('250'),
      quantity: 3,
      currency: 'usd',
      invoice: draft.id,
    });
    const lines = await stripe.invoices.listLineItems(draft.id);
    expect(lines.data.map((l) => l.amount)).toEqual([1500, 750]);
    const fin = await stripe.invoices.finalizeInvoice(draft.id);
    expect(fin).toMatchObject({ status: 'open', amount_due: 2250, amount_remaining: 2250, amount_paid: 0, total: 2250 });
    expect(fin.number).toBe(`${cus.invoice_prefix}-0001`);
    expect(fin.due_date).toBe(fin.status_transitions.finalized_at! + 14 * 86400);
    const second = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: cus.id })).id);
    expect(second.number).toBe(`${cus.invoice_prefix}-0002`);
    expect(second.status).toBe('paid'); // nothing due
    await expect(stripe.invoices.finalizeInvoice(draft.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.invoices.create({ customer: cus.id, collection_method: 'send_invoice' })).rejects.toMatchObject({
      param: 'days_until_due',
    });
    await expect(stripe.invoices.create({})).rejects.toMatchObject({ param: 'customer' });
  });

  it('includes pending items when asked, lists by status and searches', async () => {
    const cus = await stripe.customers.create({ name: 'Pending' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 100, currency: 'usd' });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 200, currency: 'usd' });
    expect((await stripe.invoiceItems.list({ customer: cus.id, pending: true })).data).toHaveLength(2);
    const excl = await stripe.invoices.create({ customer: cus.id });
    expect(excl.amount_due).toBe(0);
    const incl = await stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
    expect(incl.amount_due).toBe(300);
    expect((await stripe.invoiceItems.list({ customer: cus.id, pending: true })).data).toHaveLength(0);
    const fin = await stripe.invoices.finalizeInvoice(incl.id);
    expect((await stripe.invoices.list({ customer: cus.id, status: 'open' })).data.map((i) => i.id)).toEqual([incl.id]);
    expect((await stripe.invoices.list({ customer: cus.id, status: 'draft' })).data.map((i) => i.id)).toEqual([excl.id]);
    expect((await stripe.invoices.search({ query: `number:'${fin.number!}'` })).data.map((i) => i.id)).toEqual([incl.id]);
    expect((await stripe.invoices.search({ query: `customer:'${cus.id}' AND status:'draft'` })).data.map((i) => i.id)).toEqual([excl.id]);
    const upd = await stripe.invoices.update(incl.id, { metadata: { room: '4' }, description: 'Updated' });
    expect(upd).toMatchObject({ metadata: { room: '4' }, description: 'Updated' });
    expect((await stripe.invoices.search({ query: "metadata['room']:'4'" })).data.map((i) => i.id)).toEqual([incl.id]);
  });

  it('pays with a card, records the payment, and declines with 402', async () => {
    const { inv } = await openInvoice([1000, 234]);
    const e = (await stripe.invoices
      .pay(inv.id, { payment_method: 'pm_card_visa_chargeDeclined' })
      .catch((x: unknown) => x)) as Stripe.errors.StripeCardError;
    expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(e.payment_intent?.amount).toBe(1234);
    const afterDecline = await stripe.invoices.retrieve(inv.id);
    expect(afterDecline).toMatchObject({ status: 'open', attempt_count: 1, attempted: true });
    const paid = await stripe.invoices.pay(inv.id, { payment_method: 'pm_card_visa' });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1234, amount_remaining: 0 });
    expect(paid.status_transitions.paid_at).toEqual(expect.any(Number));
    const payments = paid.payments!.data;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'paid', amount_paid: 1234, is_default: true });
    expect(payments[0]!.payment.payment_intent).toBe(e.payment_intent!.id); // the same intent, retried
    await expect(stripe.invoices.pay(inv.id, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('pays out of band and voids', async () => {
    const a = await openInvoice([500]);
    const oob = await stripe.invoices.pay(a.inv.id, { paid_out_of_band: true });
    expect(oob).toMatchObject({ status: 'paid', amount_remaining: 0 });
    const b = await openInvoice([700]);
    const v = await stripe.invoices.voidInvoice(b.inv.id);
    expect(v.status).toBe('void');
    expect(v.status_transitions.voided_at).toEqual(expect.any(Number));
    await expect(stripe.invoices.voidInvoice(b.inv.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('takes partial payments with attach_payment and stays open until fully paid', async () => {
    const { cus, inv } = await openInvoice([10_000]);
    const first = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const afterFirst = await stripe.invoices.attachPayment(inv.id, { payment_intent: first.id });
    expect(afterFirst).toMatchObject({ status: 'open', amount_paid: 4000, amount_remaining: 6000 });
    // An intent attached before it succeeds counts when it does.
    const second = await stripe.paymentIntents.create({ amount: 6000, currency: 'usd', customer: cus.id });
    const pending = await stripe.invoices.attachPayment(inv.id, { payment_intent: second.id });
    expect(pending).toMatchObject({ status: 'open', amount_paid: 4000, amount_remaining: 6000 });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_intent: second.id })).rejects.toMatchObject({ param: 'payment_intent' });
    await stripe.paymentIntents.confirm(second.id, { payment_method: 'pm_card_mastercard' });
    const done = await stripe.invoices.retrieve(inv.id);
    expect(done).toMatchObject({ status: 'paid', amount_paid: 10_000, amount_remaining: 0 });
    expect(done.payments!.data.map((p) => p.status)).toEqual(['paid', 'paid']);
    const listed = await stripe.invoicePayments.list({ invoice: inv.id });
    expect(listed.data).toHaveLength(2);
  });

  it('an ACH invoice payment stays open while processing and is paid on settlement', async () => {
    const cus = await stripe.customers.create({ name: 'ACH payer' });
    const si = await stripe.setupIntents.create({
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: 'pm_usBankAccount_success',
      confirm: true,
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'kiosk' } } },
    });
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: si.payment_method as string } });
    const inv = await stripe.invoices.create({ customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 3300, currency: 'usd', invoice: inv.id });
    const paying = await stripe.invoices.pay(inv.id); // finalizes the draft, uses the default method
    expect(paying).toMatchObject({ status: 'open', amount_remaining: 3300 });
    await fetch(`${t.url}/__sandbox/settle`, { method: 'POST' });
    expect(await stripe.invoices.retrieve(inv.id)).toMatchObject({ status: 'paid', amount_paid: 3300 });
  });
});
