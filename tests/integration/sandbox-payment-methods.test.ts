import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_TEST_PM_IDS } from '../../packages/stripe-sandbox/src/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

const card = (number: string) => ({ type: 'card' as const, card: { number, exp_month: 12, exp_year: 2034, cvc: '123' } });

describe('card payment methods', () => {
  it('accepts every documented test card number and keeps only brand/last4/exp/fingerprint', async () => {
    const numbers: [string, string][] = [
      ['4242424242424242', 'visa'],
      ['5555 5555 5555 4444', 'mastercard'],
      ['378282246310005', 'amex'],
      ['4000000000000002', 'visa'],
      ['4000000000009995', 'visa'],
      ['4000000000009987', 'visa'],
      ['4000000000009979', 'visa'],
      ['4000000000000069', 'visa'],
      ['4000000000000127', 'visa'],
      ['4000000000000119', 'visa'],
    ];
    for (const [n, brand] of numbers) {
      const pm = await stripe.paymentMethods.create(card(n));
      expect(pm.card).toMatchObject({ brand, last4: n.replace(/ /g, '').slice(-4), exp_month: 12, exp_year: 2034 });
      expect(pm.card?.fingerprint).toMatch(/^\w{16}$/);
      expect(JSON.stringify(pm)).not.toContain(n.replace(/ /g, ''));
    }
  });

  it('refuses a real-looking card number and never stores it', async () => {
    const real = '4111111111111111';
    const e = await stripe.paymentMethods.create(card(real)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(e).toMatchObject({ statusCode: 400, param: 'card[number]' });
    expect((e as Error).message).toMatch(/test card/);
    expect((e as Error).message).not.toContain(real);
    await stripe.customers.create({ email: 'flush@x.io' }); // a later write, so the WAL has moved on
    for (const f of readdirSync(t.dir)) {
      const bytes = readFileSync(join(t.dir, f));
      expect(bytes.includes(Buffer.from(real)), f).toBe(false);
      expect(bytes.includes(Buffer.from('4242424242424242')), f).toBe(false);
    }
  });

  it('refuses bad expiry and missing fields with the param named', async () => {
    await expect(
      stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 13, exp_year: 2034 } }),
    ).rejects.toMatchObject({ type: 'StripeCardError', param: 'exp_month' });
    await expect(
      stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2001 } }),
    ).rejects.toMatchObject({ param: 'exp_year' });
    await expect(
      stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_year: 2034 } }),
    ).rejects.toMatchObject({ param: 'card[exp_month]' });
  });

  it('retrieves every documented test id', async () => {
    for (const id of ALL_TEST_PM_IDS) {
      const pm = await stripe.paymentMethods.retrieve(id);
      expect(pm.id).toBe(id);
      expect(['card', 'us_bank_account']).toContain(pm.type);
    }
  });
});

describe('bank account payment methods', () => {
  it('creates test accounts, requires billing name and the test routing number', async () => {
    const pm = await stripe.paymentMethods.create({
      type: 'us_bank_account',
      billing_details: { name: 'Jo Doe' },
      us_bank_account: {
        routing_number: '110000000',
        account_number: '000123456789',
        account_holder_type: 'individual',
        account_type: 'checking',
      },
    });
    expect(pm.us_bank_account).toMatchObject({ bank_name: 'STRIPE TEST BANK', last4: '6789', routing_number: '110000000' });
    await expect(
      stripe.paymentMethods.create({
        type: 'us_bank_account',
        us_bank_account: { routing_number: '110000000', account_number: '000123456789' },
      }),
    ).rejects.toMatchObject({ param: 'billing_details[name]' });
    await expect(
      stripe.paymentMethods.create({
        type: 'us_bank_account',
        billing_details: { name: 'J' },
        us_bank_account: { routing_number: '021000021', account_number: '000123456789' },
      }),
    ).rejects.toMatchObject({ param: 'us_bank_account[routing_number]' });
    await expect(
      stripe.paymentMethods.create({
        type: 'us_bank_account',
        billing_details: { name: 'J' },
        us_bank_account: { routing_number: '110000000', account_number: '123' },
      }),
    ).rejects.toMatchObject({ param: 'us_bank_account[account_number]' });
  });
});

describe('attach, detach, update, list', () => {
  it('clones test ids on attach, lists by customer and type, detaches', async () => {
    const c = await stripe.customers.create({ name: 'Wallet' });
    const a = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
    const b = await stripe.paymentMethods.attach('pm_usBankAccount_success', { customer: c.id });
    expect(a.id).toMatch(/^pm_/);
    expect(a.id).not.toBe('pm_card_visa');
    expect(a.customer).toBe(c.id);
    const own = await stripe.paymentMethods.create(card('5555555555554444'));
    await stripe.paymentMethods.attach(own.id, { customer: c.id });
    const other = await stripe.customers.create({ name: 'Other' });
    await expect(stripe.paymentMethods.attach(own.id, { customer: other.id })).rejects.toMatchObject({ statusCode: 400 });

    expect((await stripe.paymentMethods.list({ customer: c.id, type: 'card' })).data.map((x) => x.id)).toEqual([own.id, a.id]);
    expect((await stripe.customers.listPaymentMethods(c.id, { type: 'us_bank_account' })).data.map((x) => x.id)).toEqual([b.id]);
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toHaveLength(3);

    const u = await stripe.paymentMethods.update(a.id, {
      billing_details: { name: 'W. Allet', address: { postal_code: '94107' } },
      metadata: { k: 'v' },
    });
    expect(u.billing_details.name).toBe('W. Allet');
    expect(u.billing_details.address?.postal_code).toBe('94107');
    expect(u.metadata).toEqual({ k: 'v' });

    const d = await stripe.paymentMethods.detach(a.id);
    expect(d.customer).toBeNull();
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toHaveLength(2);
    await expect(stripe.paymentMethods.detach(a.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.paymentMethods.retrieve('pm_nope')).rejects.toMatchObject({
      statusCode: 404,
      message: "No such PaymentMethod: 'pm_nope'",
    });
  });
});
