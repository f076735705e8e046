import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

describe('setup intents', () => {
  it('confirms a card and attaches it to the customer', async () => {
    const cus = await stripe.customers.create({ name: 'Setup' });
    const si = await stripe.setupIntents.create({ customer: cus.id, usage: 'off_session', metadata: { why: 'save' } });
    expect(si).toMatchObject({
      object: 'setup_intent',
      status: 'requires_payment_method',
      usage: 'off_session',
      payment_method_types: ['card'],
      allowed_payment_method_types: null,
    });
    const ok = await stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' });
    expect(ok.status).toBe('succeeded');
    expect((await stripe.paymentMethods.retrieve(ok.payment_method as string)).customer).toBe(cus.id);
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded');
    await expect(stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({
      code: 'setup_intent_unexpected_state',
    });
  });

  it('declines declining test cards with 402 and error.setup_intent', async () => {
    const cus = await stripe.customers.create({ name: 'Setup decline' });
    const e = (await stripe.setupIntents
      .create({ customer: cus.id, payment_method: 'pm_card_visa_chargeDeclinedStolenCard', confirm: true })
      .catch((x: unknown) => x)) as Stripe.errors.StripeCardError;
    expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(e).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'stolen_card' });
    expect(e.setup_intent?.status).toBe('requires_payment_method');
    expect(e.setup_intent?.last_setup_error?.decline_code).toBe('stolen_card');
    expect((await stripe.customers.listPaymentMethods(cus.id)).data).toHaveLength(0);
    const retry = await stripe.setupIntents.confirm(e.setup_intent!.id, { payment_method: 'pm_card_amex' });
    expect(retry.status).toBe('succeeded');
  });

  it('sets up a bank account with mandate_data, and verifies manual entries', async () => {
    const cus = await stripe.customers.create({ name: 'Bank setup' });
    const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '10.0.0.1', user_agent: 'kiosk' } } };
    await expect(
      stripe.setupIntents.create({
        customer: cus.id,
        allowed_payment_method_types: ['us_bank_account'],
        payment_method: 'pm_usBankAccount_success',
        confirm: true,
      }),
    ).rejects.toMatchObject({ param: 'mandate_data' });
    const si = await stripe.setupIntents.create({
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: 'pm_usBankAccount_success',
      confirm: true,
      mandate_data,
    });
    expect(si.status).toBe('succeeded');
    expect(si.mandate).toMatch(/^mandate_/);
    const pm = await stripe.paymentMethods.create({
      type: 'us_bank_account',
      billing_details: { name: 'J R' },
      us_bank_account: { routing_number: '110000000', account_number: '000123456789' },
    });
    const manual = await stripe.setupIntents.create({
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: pm.id,
      confirm: true,
      mandate_data,
    });
    expect(manual.status).toBe('requires_action');
    expect(manual.next_action?.type).toBe('verify_with_microdeposits');
    const v = await stripe.setupIntents.verifyMicrodeposits(manual.id, { descriptor_code: 'SM11AA' });
    expect(v.status).toBe('succeeded');
    // The saved, verified account now pays without mandate_data or verification.
    const pi = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: pm.id,
      confirm: true,
    });
    expect(pi.status).toBe('processing');
  });

  it('cancels and lists', async () => {
    const cus = await stripe.customers.create({ name: 'Setup list' });
    const a = await stripe.setupIntents.create({ customer: cus.id });
    const b = await stripe.setupIntents.create({ customer: cus.id });
    expect((await stripe.setupIntents.cancel(a.id, { cancellation_reason: 'abandoned' })).status).toBe('canceled');
    expect((await stripe.setupIntents.list({ customer: cus.id })).data.map((x) => x.id)).toEqual([b.id, a.id]);
  });
});
