/** The sandbox's customer credit balance: balance transactions, and invoices finalized (and voided) with it, as Stripe does. */
import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

const balanceOf = async (id: string) => ((await stripe.customers.retrieve(id)) as Stripe.Customer).balance;

async function invoiceFor(customer: string, amount: number): Promise<Stripe.Invoice> {
  const inv = await stripe.invoices.create({ customer, collection_method: 'send_invoice', days_until_due: 30 });
  await stripe.invoiceItems.create({ customer, amount, currency: 'usd', invoice: inv.id, description: 'Service' });
  return stripe.invoices.finalizeInvoice(inv.id);
}

describe('customer balance transactions', () => {
  it('a credit moves the balance, sets the currency, is listed, and replays with its idempotency key', async () => {
    const cus = await stripe.customers.create({ name: 'Credit One' });
    expect(cus).toMatchObject({ balance: 0, currency: null });
    const params = { amount: -2000, currency: 'usd', description: 'Payment on account', metadata: { desk_payment_id: 'dp_a' } };
    const first = await stripe.customers.createBalanceTransaction(cus.id, params, { idempotencyKey: 'credit-a' });
    expect(first).toMatchObject({
      object: 'customer_balance_transaction',
      amount: -2000,
      ending_balance: -2000,
      type: 'adjustment',
      customer: cus.id,
      invoice: null,
      metadata: { desk_payment_id: 'dp_a' },
    });
    const again = await stripe.customers.createBalanceTransaction(cus.id, params, { idempotencyKey: 'credit-a' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    const after = (await stripe.customers.retrieve(cus.id)) as Stripe.Customer;
    expect(after).toMatchObject({ balance: -2000, currency: 'usd' });
    const list = await stripe.customers.listBalanceTransactions(cus.id);
    expect(list.data.map((x) => x.id)).toEqual([first.id]);
    await stripe.customers.updateBalanceTransaction(cus.id, first.id, { metadata: { note: 'x' } });
    expect((await stripe.customers.retrieveBalanceTransaction(cus.id, first.id)).metadata).toEqual({ desk_payment_id: 'dp_a', note: 'x' });
    const events = await stripe.events.list({ type: 'customer.updated', limit: 100 });
    const mine = events.data.find((e) => (e.data.object as Stripe.Customer).id === cus.id)!;
    expect((mine.data.object as Stripe.Customer).balance).toBe(-2000);
    expect(mine.data.previous_attributes).toMatchObject({ balance: 0 });
  });

  it('refuses a zero amount, another currency, the same key with other parameters, an unknown customer', async () => {
    const cus = await stripe.customers.create({ name: 'Credit Two' });
    await expect(stripe.customers.createBalanceTransaction(cus.id, { amount: 0, currency: 'usd' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    });
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -100, currency: 'usd' }, { idempotencyKey: 'credit-b' });
    await expect(stripe.customers.createBalanceTransaction(cus.id, { amount: -100, currency: 'eur' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'currency',
    });
    await expect(
      stripe.customers.createBalanceTransaction(cus.id, { amount: -200, currency: 'usd' }, { idempotencyKey: 'credit-b' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
    await expect(stripe.customers.createBalanceTransaction('cus_missing', { amount: -100, currency: 'usd' })).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(await balanceOf(cus.id)).toBe(-100);
  });
});

describe('invoices use the balance at finalization', () => {
  it('a credit smaller than the invoice lowers amount_due; the credit is used up', async () => {
    const cus = await stripe.customers.create({ name: 'Partly Covered' });
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -2000, currency: 'usd' });
    const inv = await invoiceFor(cus.id, 5000);
    expect(inv).toMatchObject({
      status: 'open',
      total: 5000,
      starting_balance: -2000,
      ending_balance: 0,
      amount_due: 3000,
      amount_remaining: 3000,
    });
    expect(await balanceOf(cus.id)).toBe(0);
    const applied = (await stripe.customers.listBalanceTransactions(cus.id)).data[0]!;
    expect(applied).toMatchObject({ type: 'applied_to_invoice', amount: 2000, ending_balance: 0, invoice: inv.id });
    // Nothing left for the next one.
    expect(await invoiceFor(cus.id, 1000)).toMatchObject({ starting_balance: 0, amount_due: 1000 });
  });

  it('a credit larger than the invoice pays it; the rest stays for the next; voiding gives it back', async () => {
    const cus = await stripe.customers.create({ name: 'Fully Covered' });
    await stripe.customers.createBalanceTransaction(cus.id, { amount: -8000, currency: 'usd' });
    const inv = await invoiceFor(cus.id, 5000);
    expect(inv).toMatchObject({ status: 'paid', starting_balance: -8000, ending_balance: -3000, amount_due: 0, amount_remaining: 0 });
    expect(await balanceOf(cus.id)).toBe(-3000);
    // An invoice with nothing on it uses none of the credit.
    const empty = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: cus.id })).id);
    expect(empty).toMatchObject({ status: 'paid', amount_due: 0, starting_balance: -3000, ending_balance: -3000 });
    expect((await stripe.customers.listBalanceTransactions(cus.id, { invoice: empty.id })).data).toEqual([]);
    const next = await invoiceFor(cus.id, 4000);
    expect(next).toMatchObject({ status: 'open', starting_balance: -3000, ending_balance: 0, amount_due: 1000 });
    await stripe.invoices.voidInvoice(next.id);
    expect(await balanceOf(cus.id)).toBe(-3000);
    expect((await stripe.customers.listBalanceTransactions(cus.id, { invoice: next.id })).data.map((x) => [x.type, x.amount])).toEqual([
      ['unapplied_from_invoice', -3000],
      ['applied_to_invoice', 3000],
    ]);
  });

  it('an amount owed is added to the next invoice', async () => {
    const cus = await stripe.customers.create({ name: 'Owes' });
    await stripe.customers.createBalanceTransaction(cus.id, { amount: 700, currency: 'usd' });
    expect(await invoiceFor(cus.id, 1000)).toMatchObject({ total: 1000, starting_balance: 700, ending_balance: 0, amount_due: 1700 });
    expect(await balanceOf(cus.id)).toBe(0);
  });
});
