/**
 * Live mode's card entry (a Stripe test key, not training) through the browser preview: card data
 * goes into Stripe's Payment Element, never the app's own fields. "Stripe" is a sandbox this file
 * starts outside the preview; js.stripe.com is a tiny stand-in served by page.route that the real
 * `loadStripe` from @stripe/stripe-js/pure loads, and its confirmation call to api.stripe.com is
 * forwarded (Node side) to the sandbox with the SDK, as the real Stripe.js would confirm the intent.
 */
import { test as base, expect, type Page, type Route } from '@playwright/test';
import type { TestSandbox } from '../helpers/sandbox';
import { LIVE_PUBLISHABLE_KEY, LIVE_SECRET_KEY, withLivePreview } from './fixtures';

interface Live {
  url: string;
  sb: TestSandbox;
}

const test = base.extend<{ live: Live }>({
  live: async ({}, use) => {
    await withLivePreview({ prefix: 'kiosk-e2e-live-' }, ({ url, sb }) => use({ url, sb }));
  },
  baseURL: async ({ live }, use) => {
    await use(live.url);
  },
});

/**
 * The stand-in for Stripe.js: what `loadStripe` needs (a `window.Stripe` function after the script
 * loads, with the release train as its version) and what the app calls: elements({clientSecret}),
 * create('payment', {paymentMethodOrder}), on('ready'), mount(el), confirmPayment({elements, redirect}).
 * confirmPayment POSTs to api.stripe.com like the real one (form-encoded with the publishable key, no
 * preflight), with payment_method_data[type] for the element's first payment method type and, for a
 * US bank account, the online mandate acceptance the real element adds (inferred from the client).
 */
const FAKE_STRIPE_JS = `
(() => {
  function Stripe(pk) {
    if (!/^pk_test_/.test(pk)) throw new Error('fake Stripe.js: expected a pk_test_ key');
    let secret = null;
    let methodType = 'card';
    return {
      elements(options) {
        secret = options.clientSecret;
        return {
          create(type, createOptions) {
            const order = (createOptions && createOptions.paymentMethodOrder) || [];
            if (order[0]) methodType = order[0];
            const handlers = {};
            let box = null;
            return {
              on(name, fn) { (handlers[name] = handlers[name] || []).push(fn); },
              mount(el) {
                box = document.createElement('div');
                box.setAttribute('data-testid', 'fake-stripe-element');
                box.setAttribute('data-element-type', type);
                box.setAttribute('data-client-secret-present', secret ? 'yes' : 'no');
                box.setAttribute('data-payment-method-order', order.join(','));
                box.textContent = methodType === 'us_bank_account' ? 'Stripe secure bank account field (test stand-in)' : 'Stripe secure card field (test stand-in)';
                el.appendChild(box);
                setTimeout(() => (handlers.ready || []).forEach((fn) => fn({ elementType: type })), 0);
              },
              focus() {},
              destroy() { if (box) box.remove(); box = null; },
            };
          },
          submit: async () => ({}),
        };
      },
      async confirmPayment({ elements, redirect }) {
        if (!elements || !secret) return { error: { type: 'validation_error', message: 'no element' } };
        if (redirect !== 'if_required') return { error: { type: 'invalid_request_error', message: 'expected redirect if_required' } };
        const id = secret.split('_secret_')[0];
        const body = new URLSearchParams({ key: pk, client_secret: secret, expected_payment_method_type: methodType, 'payment_method_data[type]': methodType });
        if (methodType === 'us_bank_account') {
          body.set('mandate_data[customer_acceptance][type]', 'online');
          body.set('mandate_data[customer_acceptance][online][infer_from_client]', 'true');
        }
        const res = await fetch('https://api.stripe.com/v1/payment_intents/' + encodeURIComponent(id) + '/confirm', { method: 'POST', body });
        const json = await res.json();
        if (!res.ok) return { error: json.error };
        return { paymentIntent: json };
      },
    };
  }
  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();
`;

interface Confirmation {
  id: string;
  key: string;
  clientSecret: string;
  /** payment_method_data[type]: what the element collected. */
  methodType: string;
  /** Whether the page sent the customer's online mandate acceptance. */
  mandate: boolean;
}

/**
 * Serves the fake Stripe.js and forwards the confirmation to the sandbox with this test payment
 * method (a card, or a bank account such as pm_usBankAccount_success). For a bank account the page's
 * online mandate acceptance is forwarded with the client's address and user agent, as Stripe infers them.
 */
async function stubStripe(page: Page, sb: TestSandbox, paymentMethod: string): Promise<Confirmation[]> {
  const confirmations: Confirmation[] = [];
  await page.route('https://js.stripe.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: FAKE_STRIPE_JS }),
  );
  await page.route('https://api.stripe.com/v1/payment_intents/*/confirm', async (route: Route) => {
    const cors = { 'Access-Control-Allow-Origin': '*' };
    const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/')[3] ?? '');
    const form = new URLSearchParams(route.request().postData() ?? '');
    const confirmation: Confirmation = {
      id,
      key: form.get('key') ?? '',
      clientSecret: form.get('client_secret') ?? '',
      methodType: form.get('payment_method_data[type]') ?? '',
      mandate:
        form.get('mandate_data[customer_acceptance][type]') === 'online' &&
        form.get('mandate_data[customer_acceptance][online][infer_from_client]') === 'true',
    };
    confirmations.push(confirmation);
    if (!confirmation.clientSecret.startsWith(`${id}_secret_`)) {
      await route.fulfill({
        status: 400,
        headers: cors,
        contentType: 'application/json',
        body: JSON.stringify({ error: { type: 'invalid_request_error', message: 'bad client secret' } }),
      });
      return;
    }
    try {
      const userAgent = (await route.request().allHeaders())['user-agent'] ?? '';
      const mandate = confirmation.mandate
        ? { mandate_data: { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.1', user_agent: userAgent } } } }
        : {};
      const pi = await sb.stripe.paymentIntents.confirm(id, { payment_method: paymentMethod, ...mandate });
      await route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify(pi) });
    } catch (err) {
      const e = err as { statusCode?: number; raw?: unknown; message?: string };
      await route.fulfill({
        status: e.statusCode ?? 402,
        headers: cors,
        contentType: 'application/json',
        body: JSON.stringify({ error: e.raw ?? { type: 'api_error', message: e.message } }),
      });
    }
  });
  return confirmations;
}

/** The secret key must never reach the window: every response body the page receives is collected. */
function collectResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', (res) => {
    res.text().then(
      (text) => bodies.push(text),
      () => {},
    );
  });
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => bodies.push(String(frame.payload))));
  return bodies;
}

/** A customer with a billing zip and a finalized $90.00 invoice, made in the sandbox with the SDK. */
async function seedInvoice(sb: TestSandbox): Promise<{ customerId: string; invoiceId: string; number: string; zip: string }> {
  const zip = '78704';
  const customer = await sb.stripe.customers.create({
    name: 'Lena Live',
    email: 'lena@example.com',
    address: { postal_code: zip, country: 'US', line1: '1 Main St' },
  });
  const draft = await sb.stripe.invoices.create({
    customer: customer.id,
    collection_method: 'send_invoice',
    days_until_due: 30,
    pending_invoice_items_behavior: 'exclude',
  });
  await sb.stripe.invoiceItems.create({
    customer: customer.id,
    invoice: draft.id,
    amount: 9000,
    currency: 'usd',
    description: 'Water service',
  });
  const invoice = await sb.stripe.invoices.finalizeInvoice(draft.id);
  return { customerId: customer.id, invoiceId: invoice.id, number: invoice.number!, zip };
}

/** Welcome → Pay an invoice as a guest → number + zip → Credit Card (or ACH) → new card (or bank account) → Continue. */
async function openEntryAsGuest(page: Page, number: string, zip: string, type: 'card' | 'us_bank_account' = 'card'): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: /Pay an invoice as a guest/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pay as a guest' })).toBeVisible();
  await expect(page.getByTestId('demo-guest-entry')).toHaveCount(0); // live mode: no demo data
  await page.getByLabel('Invoice number', { exact: true }).fill(number);
  await page.getByLabel('Billing zip code').fill(zip);
  await page.getByRole('button', { name: 'Find invoice' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Pay invoice ${number}` })).toBeVisible();
  await expect(page.getByLabel('Amount')).toHaveValue('90.00');
  await page.getByLabel('Name on account').fill('Lena Live');
  await page.getByLabel('Zip code').fill(zip);
  if (type === 'card') {
    await page.getByRole('radio', { name: /^Credit Card/ }).check();
    await page.getByRole('radio', { name: 'Enter a new card for a one-time payment' }).check();
  } else {
    await page.getByRole('radio', { name: /^ACH/ }).check();
    await page.getByRole('radio', { name: 'Enter a new bank account for a one-time payment' }).check();
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  // Stripe's (stand-in) element, not the training card fields.
  const element = page.getByTestId('stripe-element').getByTestId('fake-stripe-element');
  await expect(element).toBeVisible();
  await expect(element).toHaveAttribute('data-element-type', 'payment');
  await expect(element).toHaveAttribute('data-client-secret-present', 'yes');
  await expect(element).toHaveAttribute('data-payment-method-order', type);
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await expect(page.getByLabel('CVC')).toHaveCount(0);
  await expect(page.getByLabel('Routing number')).toHaveCount(0);
  await expect(page.getByLabel('Account number', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Make Payment' })).toBeEnabled();
}

async function intentsFor(sb: TestSandbox, customerId: string, invoiceId: string) {
  return (await sb.stripe.paymentIntents.list({ customer: customerId, limit: 100 })).data.filter(
    (p) => p.metadata?.['invoice_id'] === invoiceId,
  );
}

test('live mode: a guest pays in Stripe’s Payment Element; main records one succeeded intent', async ({ page, live }) => {
  const { sb } = live;
  const seeded = await seedInvoice(sb);
  const bodies = collectResponses(page);
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  const confirmations = await stubStripe(page, sb, 'pm_card_visa');

  await openEntryAsGuest(page, seeded.number, seeded.zip);
  await page.getByRole('button', { name: 'Make Payment' }).click();

  const popup = page.getByRole('dialog', { name: 'Thank you! Your payment was received' });
  await expect(popup).toBeVisible();
  await expect(page.getByTestId('payment-result').getByTestId('result-invoice')).toHaveText(seeded.number);
  await expect(page.getByTestId('payment-result').getByTestId('result-amount')).toHaveText('$90.00');

  // The page confirmed with the publishable key and the client secret only.
  expect(confirmations).toHaveLength(1);
  expect(confirmations[0]!.key).toBe(LIVE_PUBLISHABLE_KEY);
  const intents = await intentsFor(sb, seeded.customerId, seeded.invoiceId);
  expect(intents).toHaveLength(1);
  expect(intents[0]!.id).toBe(confirmations[0]!.id);
  expect(intents[0]!.status).toBe('succeeded');
  expect(intents[0]!.amount).toBe(9000);
  await expect(page.getByTestId('payment-result').getByTestId('result-confirmation')).toHaveText(intents[0]!.id);
  expect((await sb.stripe.invoices.retrieve(seeded.invoiceId)).amount_paid).toBe(9000);

  // The secret key never reached the window.
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies) expect(body).not.toContain(LIVE_SECRET_KEY);
  expect(await page.content()).not.toContain(LIVE_SECRET_KEY);
  // loadStripe accepted the stand-in without a version warning; no CSP violation or page error.
  expect(problems).toEqual([]);
  expect(
    await page.evaluate(() => JSON.stringify(window.localStorage) + JSON.stringify(window.sessionStorage) + document.cookie),
  ).not.toContain('sk_test');
});

test('live mode: a declined card in the Payment Element shows the failure popup and moves no money', async ({ page, live }) => {
  const { sb } = live;
  const seeded = await seedInvoice(sb);
  const confirmations = await stubStripe(page, sb, 'pm_card_visa_chargeDeclined');

  await openEntryAsGuest(page, seeded.number, seeded.zip);
  await page.getByRole('button', { name: 'Make Payment' }).click();

  await expect(page.getByRole('dialog', { name: 'Your payment did not go through' })).toBeVisible();
  expect(confirmations).toHaveLength(1);
  const intents = await intentsFor(sb, seeded.customerId, seeded.invoiceId);
  expect(intents).toHaveLength(1);
  expect(intents[0]!.status).not.toBe('succeeded');
  expect((await sb.stripe.invoices.retrieve(seeded.invoiceId)).amount_paid).toBe(0);
});

test('live mode: a guest pays by ACH in Stripe’s Payment Element; main records one processing us_bank_account intent', async ({
  page,
  live,
}) => {
  const { sb } = live;
  const seeded = await seedInvoice(sb);
  const bodies = collectResponses(page);
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  // Stripe's test bank account: routing 110000000, account 000123456789 (verified instantly in the element).
  const confirmations = await stubStripe(page, sb, 'pm_usBankAccount_success');

  await openEntryAsGuest(page, seeded.number, seeded.zip, 'us_bank_account');
  await page.getByRole('button', { name: 'Make Payment' }).click();

  const popup = page.getByRole('dialog', { name: 'Thank you! Your payment is on its way' });
  await expect(popup).toBeVisible();
  const result = page.getByTestId('payment-result');
  await expect(result.getByTestId('result-status')).toHaveText('Processing — usually 4 business days');
  await expect(result.getByTestId('result-invoice')).toHaveText(seeded.number);
  await expect(result.getByTestId('result-amount')).toHaveText('$90.00');
  await expect(result.getByTestId('result-method')).toHaveText('Stripe Test Bank ending in 6789');

  // The page confirmed a bank account with the mandate, the publishable key and the client secret only.
  expect(confirmations).toHaveLength(1);
  expect(confirmations[0]!.key).toBe(LIVE_PUBLISHABLE_KEY);
  expect(confirmations[0]!.methodType).toBe('us_bank_account');
  expect(confirmations[0]!.mandate).toBe(true);
  const intents = await intentsFor(sb, seeded.customerId, seeded.invoiceId);
  expect(intents).toHaveLength(1);
  const intent = intents[0]!;
  expect(intent.id).toBe(confirmations[0]!.id);
  expect(intent.payment_method_types).toEqual(['us_bank_account']);
  expect(intent.status).toBe('processing');
  expect(intent.amount).toBe(9000);
  await expect(result.getByTestId('result-confirmation')).toHaveText(intent.id);
  expect(typeof intent.payment_method).toBe('string');
  const pm = await sb.stripe.paymentMethods.retrieve(intent.payment_method as string);
  expect(pm.type).toBe('us_bank_account');
  expect(pm.us_bank_account?.routing_number).toBe('110000000');
  expect(pm.us_bank_account?.last4).toBe('6789');
  // Not settled yet: the invoice is not paid while the debit is processing.
  expect((await sb.stripe.invoices.retrieve(seeded.invoiceId)).amount_paid).toBe(0);

  // The secret key never reached the window.
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies) expect(body).not.toContain(LIVE_SECRET_KEY);
  expect(await page.content()).not.toContain(LIVE_SECRET_KEY);
  expect(problems).toEqual([]);
  expect(
    await page.evaluate(() => JSON.stringify(window.localStorage) + JSON.stringify(window.sessionStorage) + document.cookie),
  ).not.toContain('sk_test');
});
