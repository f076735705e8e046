/**
 * Live mode (a Stripe key, not training): card details go into Stripe's Payment Element in the
 * window. Main hands out only the client secret of the attempt's intent and reads the result.
 * Stripe is the sandbox here, reached as an outside service would be.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../electron/shared/contract';
import { startKiosk, type Kiosk } from '../../electron/main/composition';
import { silentLogger } from '../../electron/main/services/logger';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { tempDir } from '../helpers/temp-dir';

let sb: TestSandbox;
let kiosk: Kiosk;
let cleanup: () => void;
let invoiceId: string;
let customerId: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  const t = tempDir();
  cleanup = t.cleanup;
  const customer = await sb.stripe.customers.create({
    name: 'Live Customer',
    email: 'live@example.com',
    address: { postal_code: '78704', country: 'US', line1: '1 Main' },
  });
  customerId = customer.id;
  const draft = await sb.stripe.invoices.create({
    customer: customer.id,
    collection_method: 'send_invoice',
    days_until_due: 30,
    pending_invoice_items_behavior: 'exclude',
  });
  await sb.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 9000, currency: 'usd', description: 'Water' });
  invoiceId = (await sb.stripe.invoices.finalizeInvoice(draft.id)).id!;
  const settings = new SettingsService(createConfStore(t.dir), { STRIPE_SECRET_KEY: 'sk_test_livemodeviasandbox' });
  settings.update({ stripePublishableKey: 'pk_test_livemodeviasandbox' });
  kiosk = await startKiosk({
    dataDir: join(t.dir, 'app'),
    resourcesDir: new URL('../../resources', import.meta.url).pathname,
    settings,
    log: silentLogger,
    version: 't',
    stripeEndpoint: { host: '127.0.0.1', port: sb.port, protocol: 'http' },
  });
  kiosk.sessions.signInCustomer('live', customerId);
});
afterAll(async () => {
  await kiosk.stop();
  await sb.stop();
  cleanup();
});

const call = async (name: keyof typeof contract, req: unknown) => kiosk.dispatcher.dispatch('live', contract[name].channel, req);

describe('live mode', () => {
  it('is not training mode, and hands the window the publishable key only', async () => {
    const info = await call('appInfo', {});
    expect(info).toMatchObject({ ok: true, value: { trainingMode: false, demoSignIns: [] } });
    const start = await call('startPayment', { invoiceId });
    expect(start).toMatchObject({ ok: true, value: { publishableKey: 'pk_test_livemodeviasandbox' } });
    expect(JSON.stringify(start)).not.toContain('sk_test');
  });

  it('refuses raw card numbers: they belong in Stripe’s own fields', async () => {
    const start = await call('startPayment', { invoiceId });
    if (!start.ok) throw new Error('start failed');
    const { attemptId } = start.value as { attemptId: string };
    const r = await call('payNewCard', {
      attemptId,
      amount: 100,
      nameOnAccount: 'Live Customer',
      postalCode: '78704',
      saveForAutopay: false,
      card: { number: '4242424242424242', expMonth: 1, expYear: 2035, cvc: '123' },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await sb.stripe.paymentMethods.list({ customer: customerId, type: 'card' })).data).toEqual([]);
  });

  it('creates one intent per payment page, returns its client secret, and records what the element confirmed', async () => {
    const start = await call('startPayment', { invoiceId });
    if (!start.ok) throw new Error('start failed');
    const { attemptId } = start.value as { attemptId: string };
    const req = {
      attemptId,
      amount: 2500,
      nameOnAccount: 'Live Customer',
      postalCode: '78704',
      paymentType: 'card',
      saveForAutopay: false,
    };
    const first = await call('createPaymentIntent', req);
    const second = await call('createPaymentIntent', req);
    expect(first.ok && second.ok).toBe(true);
    const secret = (first as { value: { clientSecret: string } }).value.clientSecret;
    expect((second as { value: { clientSecret: string } }).value.clientSecret).toBe(secret);
    expect(await call('completePayment', { attemptId })).toMatchObject({ ok: true, value: { status: 'failed' } }); // nothing confirmed yet
    // What Stripe.js does in the window with the element's card:
    const piId = secret.split('_secret_')[0]!;
    await sb.stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    const done = await call('completePayment', { attemptId });
    expect(done).toMatchObject({ ok: true, value: { status: 'succeeded', amount: 2500, confirmation: piId } });
    expect((await sb.stripe.invoices.retrieve(invoiceId)).amount_paid).toBe(2500);
    const intents = (await sb.stripe.paymentIntents.list({ customer: customerId, limit: 100 })).data.filter(
      (p) => p.metadata?.['payment_id'] === attemptId,
    );
    expect(intents).toHaveLength(1);
  });

  it('"save for autopay" in the Payment Element: the confirmed method becomes the autopay default', async () => {
    const start = await call('startPayment', { invoiceId });
    if (!start.ok) throw new Error('start failed');
    const { attemptId } = start.value as { attemptId: string };
    const created = await call('createPaymentIntent', {
      attemptId,
      amount: 1500,
      nameOnAccount: 'Live Customer',
      postalCode: '78704',
      paymentType: 'card',
      saveForAutopay: true,
    });
    const secret = (created as { value: { clientSecret: string } }).value.clientSecret;
    const piId = secret.split('_secret_')[0]!;
    expect((await sb.stripe.paymentIntents.retrieve(piId)).setup_future_usage).toBe('off_session');
    const confirmed = await sb.stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_mastercard' });
    const done = await call('completePayment', { attemptId });
    expect(done).toMatchObject({ ok: true, value: { status: 'succeeded', savedForAutopay: true } });
    const customer = await sb.stripe.customers.retrieve(customerId);
    expect((customer as { invoice_settings: { default_payment_method: string | null } }).invoice_settings.default_payment_method).toBe(
      confirmed.payment_method,
    );
    expect(await call('listMethods', {})).toMatchObject({
      ok: true,
      value: { autopay: { enabled: true, defaultMethodId: confirmed.payment_method } },
    });
  });
});
