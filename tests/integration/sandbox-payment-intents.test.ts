import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

const SUCCEEDS: [string, string, string][] = [
  ['pm_card_visa', '4242424242424242', 'visa'],
  ['pm_card_mastercard', '5555555555554444', 'mastercard'],
  ['pm_card_amex', '378282246310005', 'amex'],
];
const DECLINES: [string[], string, { code: string; decline_code?: string; message: string; param?: string }][] = [
  [
    ['pm_card_visa_chargeDeclined', 'pm_card_chargeDeclined'],
    '4000000000000002',
    { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  ],
  [
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'pm_card_chargeDeclinedInsufficientFunds'],
    '4000000000009995',
    { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  ],
  [
    ['pm_card_visa_chargeDeclinedLostCard'],
    '4000000000009987',
    { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  ],
  [
    ['pm_card_visa_chargeDeclinedStolenCard'],
    '4000000000009979',
    { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' },
  ],
  [
    ['pm_card_chargeDeclinedExpiredCard'],
    '4000000000000069',
    { code: 'expired_card', param: 'exp_month', message: 'Your card has expired.' },
  ],
  [
    ['pm_card_chargeDeclinedIncorrectCvc'],
    '4000000000000127',
    { code: 'incorrect_cvc', param: 'cvc', message: "Your card's security code is incorrect." },
  ],
  [
    ['pm_card_chargeDeclinedProcessingError'],
    '4000000000000119',
    { code: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
  ],
];

async function pmFromNumber(number: string): Promise<string> {
  return (await stripe.paymentMethods.create({ type: 'card', card: { number, exp_month: 6, exp_year: 2035, cvc: '314' } })).id;
}

describe('card outcomes', () => {
  it.each(SUCCEEDS)('%s / %s succeeds with a charge', async (id, number, brand) => {
    for (const pm of [id, await pmFromNumber(number)]) {
      const pi = await stripe.paymentIntents.create({
        amount: 1234,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
        expand: ['latest_charge'],
      });
      expect(pi.status).toBe('succeeded');
      expect(pi.amount_received).toBe(1234);
      const ch = pi.latest_charge as Stripe.Charge;
      expect(ch).toMatchObject({ object: 'charge', status: 'succeeded', captured: true, paid: true, amount: 1234, payment_intent: pi.id });
      expect(ch.payment_method_details?.card).toMatchObject({ brand, last4: number.slice(-4) });
      expect(ch.payment_method_details?.card?.exp_year).toEqual(expect.any(Number));
    }
  });

  it.each(DECLINES)('%s / %s declines with 402', async (ids, number, expected) => {
    for (const pm of [...ids, await pmFromNumber(number)]) {
      const e = (await stripe.paymentIntents
        .create({ amount: 999, currency: 'usd', payment_method: pm, confirm: true })
        .catch((x: unknown) => x)) as Stripe.errors.StripeCardError;
      expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(e.statusCode).toBe(402);
      expect(e.type).toBe('StripeCardError');
      expect(e).toMatchObject({ code: expected.code, message: expected.message });
      if (expected.decline_code) expect(e.decline_code).toBe(expected.decline_code);
      if (expected.param) expect(e.param).toBe(expected.param);
      expect(e.payment_intent?.status).toBe('requires_payment_method');
      expect(e.payment_intent?.last_payment_error).toMatchObject({ type: 'card_error', code: expected.code });
      expect(e.payment_method?.card?.last4).toBe(number.slice(-4));
      const stored = await stripe.paymentIntents.retrieve(e.payment_intent!.id, { expand: ['latest_charge'] });
      expect(stored.status).toBe('requires_payment_method');
      expect((stored.latest_charge as Stripe.Charge).status).toBe('failed');
      expect((stored.latest_charge as Stripe.Charge).failure_code).toBe(expected.code);
    }
  });
});

describe('lifecycle', () => {
  it('confirms the same intent again with another method after a decline', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', metadata: { order: 'o-1' } });
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    await expect(
      stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds' }),
    ).rejects.toMatchObject({ decline_code: 'insufficient_funds' });
    const ok = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_mastercard' });
    expect(ok.status).toBe('succeeded');
    expect(ok.last_payment_error).toBeNull();
    const charges = await stripe.charges.list({ payment_intent: pi.id });
    expect(charges.data.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    await expect(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  it('authorizes with capture_method=manual and captures part', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 5000, amount_received: 0 });
    await expect(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000 })).rejects.toMatchObject({ param: 'amount_to_capture' });
    const cap = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 4200, expand: ['latest_charge'] });
    expect(cap).toMatchObject({ status: 'succeeded', amount_received: 4200, amount_capturable: 0 });
    expect(cap.latest_charge).toMatchObject({ captured: true, amount_captured: 4200 });
  });

  it('cancels with a reason, and a held authorization too', async () => {
    const a = await stripe.paymentIntents.create({ amount: 300, currency: 'eur' });
    const c = await stripe.paymentIntents.cancel(a.id, { cancellation_reason: 'requested_by_customer' });
    expect(c).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect(c.canceled_at).toEqual(expect.any(Number));
    const held = await stripe.paymentIntents.create({
      amount: 300,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect((await stripe.paymentIntents.cancel(held.id)).status).toBe('canceled');
    await expect(stripe.paymentIntents.cancel(a.id, { cancellation_reason: 'bored' as never })).rejects.toMatchObject({
      param: 'cancellation_reason',
    });
  });

  it('saves the method for later with setup_future_usage and off_session', async () => {
    const cus = await stripe.customers.create({ name: 'Saver' });
    const pi = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      customer: cus.id,
      payment_method: 'pm_card_visa',
      setup_future_usage: 'off_session',
      confirm: true,
    });
    expect(pi.setup_future_usage).toBe('off_session');
    const saved = await stripe.customers.listPaymentMethods(cus.id);
    expect(saved.data.map((p) => p.id)).toEqual([pi.payment_method]);
    const again = await stripe.paymentIntents.create({
      amount: 200,
      currency: 'usd',
      customer: cus.id,
      payment_method: pi.payment_method as string,
      off_session: true,
      confirm: true,
    });
    expect(again.status).toBe('succeeded');
    const stranger = await stripe.customers.create({ name: 'Stranger' });
    await expect(
      stripe.paymentIntents.create({
        amount: 200,
        currency: 'usd',
        customer: stranger.id,
        payment_method: pi.payment_method as string,
        confirm: true,
      }),
    ).rejects.toMatchObject({ param: 'payment_method' });
  });

  it('updates, lists by customer and searches by metadata', async () => {
    const cus = await stripe.customers.create({ name: 'Lister' });
    const a = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: cus.id, metadata: { ref: 'r-77' } });
    const b = await stripe.paymentIntents.create({
      amount: 200,
      currency: 'usd',
      customer: cus.id,
      description: 'b',
      receipt_email: 'r@x.io',
      statement_descriptor: 'KIOSK DESK',
    });
    expect(b).toMatchObject({ description: 'b', receipt_email: 'r@x.io', statement_descriptor: 'KIOSK DESK' });
    const u = await stripe.paymentIntents.update(a.id, { amount: 150, payment_method: 'pm_card_amex', metadata: { extra: '1' } });
    expect(u).toMatchObject({ amount: 150, status: 'requires_confirmation', metadata: { ref: 'r-77', extra: '1' } });
    expect((await stripe.paymentIntents.confirm(a.id)).status).toBe('succeeded');
    expect((await stripe.paymentIntents.list({ customer: cus.id })).data.map((p) => p.id)).toEqual([b.id, a.id]);
    expect((await stripe.paymentIntents.search({ query: "metadata['ref']:'r-77'" })).data.map((p) => p.id)).toEqual([a.id]);
    expect((await stripe.paymentIntents.search({ query: `customer:'${cus.id}' AND status:'succeeded'` })).data.map((p) => p.id)).toEqual([
      a.id,
    ]);
    await expect(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', allowed_payment_method_types: ['ideal'] }),
    ).rejects.toMatchObject({ param: 'allowed_payment_method_types' });
    // The pre-2026 parameter name is still accepted.
    const legacy = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      payment_method_types: ['us_bank_account'],
    } as Stripe.PaymentIntentCreateParams);
    expect(legacy).toMatchObject({ payment_method_types: ['us_bank_account'], allowed_payment_method_types: ['us_bank_account'] });
    await expect(
      stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method: 'pm_card_visa',
        confirm: true,
      }),
    ).rejects.toMatchObject({ param: 'payment_method' });
  });
});
