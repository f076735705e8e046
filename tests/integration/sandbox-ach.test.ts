import Stripe from 'stripe';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.1', user_agent: 'kiosk' } } };
const settle = async () => (await fetch(`${t.url}/__sandbox/settle`, { method: 'POST' })).json() as Promise<{ settled: number }>;

async function manualBank(account = '000123456789'): Promise<string> {
  return (
    await stripe.paymentMethods.create({
      type: 'us_bank_account',
      billing_details: { name: 'Jenny Rosen' },
      us_bank_account: { routing_number: '110000000', account_number: account, account_holder_type: 'individual' },
    })
  ).id;
}

function achIntent(pm: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount: 4000,
    currency: 'usd',
    allowed_payment_method_types: ['us_bank_account'],
    payment_method: pm,
    confirm: true,
    mandate_data,
    ...extra,
  });
}

describe('ACH Direct Debit', () => {
  it('needs mandate_data (or an existing mandate) to confirm', async () => {
    const e = await stripe.paymentIntents
      .create({
        amount: 4000,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method: 'pm_usBankAccount_success',
        confirm: true,
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(e).toMatchObject({ statusCode: 400, param: 'mandate_data' });
    expect((await stripe.paymentIntents.list({ limit: 100 })).data).toHaveLength(0);
  });

  it('verifies a manually entered account with the descriptor code, then settles', async () => {
    const pi = await achIntent(await manualBank(), { expand: ['latest_charge'] });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('verify_with_microdeposits');
    expect(pi.next_action?.verify_with_microdeposits).toMatchObject({
      microdeposit_type: 'descriptor_code',
      hosted_verification_url: expect.any(String),
      arrival_date: expect.any(Number),
    });
    const v = await stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM11AA', expand: ['latest_charge'] });
    expect(v.status).toBe('processing');
    const mandate = (v.latest_charge as Stripe.Charge).payment_method_details?.us_bank_account?.mandate;
    expect(mandate).toMatch(/^mandate_/);
    expect((await stripe.mandates.retrieve(mandate as string)).status).toBe('active');
    expect((await settle()).settled).toBeGreaterThanOrEqual(1);
    const done = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(done.status).toBe('succeeded');
    expect((done.latest_charge as Stripe.Charge).status).toBe('succeeded');
  });

  it('verifies with amounts 32 and 45', async () => {
    const pi = await achIntent(await manualBank());
    const v = await stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45] });
    expect(v.status).toBe('processing');
  });

  it('refuses a wrong code without changing the intent', async () => {
    const pi = await achIntent(await manualBank());
    await expect(stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM99ZZ' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'payment_method_microdeposit_verification_descriptor_code_mismatch',
    });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_action');
  });

  it.each([
    [{ descriptor_code: 'SM33CC' }, 'payment_method_microdeposit_verification_attempts_exceeded'],
    [{ amounts: [10, 11] }, 'payment_method_microdeposit_verification_attempts_exceeded'],
    [{ descriptor_code: 'SM44DD' }, 'payment_method_microdeposit_verification_timeout'],
    [{ amounts: [40, 41] }, 'payment_method_microdeposit_verification_timeout'],
  ])('%j fails verification with %s', async (params, code) => {
    const pi = await achIntent(await manualBank());
    const e = (await stripe.paymentIntents.verifyMicrodeposits(pi.id, params).catch((x: unknown) => x)) as Stripe.errors.StripeError;
    expect(e).toMatchObject({ statusCode: 400, code });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe(code);
  });

  it.each([
    ['pm_usBankAccount_success', 'succeeded', null],
    ['pm_usBankAccount_accountClosed', 'requires_payment_method', 'account_closed'],
    ['pm_usBankAccount_noAccount', 'requires_payment_method', 'no_account'],
    ['pm_usBankAccount_insufficientFunds', 'requires_payment_method', 'insufficient_funds'],
    ['pm_usBankAccount_debitNotAuthorized', 'requires_payment_method', 'debit_not_authorized'],
    ['pm_usBankAccount_invalidCurrency', 'requires_payment_method', 'invalid_currency'],
    ['pm_usBankAccount_processing', 'processing', null],
  ])('%s skips verification and ends %s', async (pm, status, code) => {
    const pi = await achIntent(pm);
    expect(pi.status).toBe('processing');
    await settle();
    const after = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(after.status).toBe(status);
    expect(after.last_payment_error?.code ?? null).toBe(code);
    if (code) expect((after.latest_charge as Stripe.Charge).failure_code).toBe(code);
  });

  it('manual entry of the failMicrodeposits account fails when the deposits would land', async () => {
    const pi = await achIntent(await manualBank('000666666661'));
    expect(pi.status).toBe('requires_action');
    await settle();
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('payment_method_microdeposit_failed');
  });

  it('reuses the mandate of a saved account on the next payment', async () => {
    const cus = await stripe.customers.create({ name: 'ACH saver' });
    const first = await achIntent('pm_usBankAccount_success', { customer: cus.id, setup_future_usage: 'off_session' });
    const pm = first.payment_method as string;
    const second = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: pm,
      confirm: true,
      off_session: true,
    });
    expect(second.status).toBe('processing');
  });
});

describe('ACH settlement timer', () => {
  it('settles by itself after achSettlementMs', async () => {
    const fast = await startTestSandbox({ achSettlementMs: 30 });
    try {
      const pi = await fast.stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method: 'pm_usBankAccount_success',
        confirm: true,
        mandate_data,
      });
      expect(pi.status).toBe('processing');
      await vi.waitFor(
        async () => {
          expect((await fast.stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
        },
        { timeout: 5000, interval: 25 },
      );
    } finally {
      await fast.stop();
    }
  });
});
