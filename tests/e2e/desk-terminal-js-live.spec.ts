/**
 * The front desk with `terminalDriver: 'js'` in live mode (a Stripe test key, not training): the
 * reader is driven from the page by `@stripe/terminal-js`, main creates the PaymentIntent and
 * captures or cancels it. "Stripe" is a sandbox this file starts outside the preview.
 *
 * js.stripe.com/terminal/v1 is a stand-in served by page.route (like terminal-js.spec.ts). Its
 * processPayment POSTs to api.stripe.com like an SDK would, and that request is played (Node side)
 * on the sandbox's simulated reader: process_payment_intent, then present_payment_method with the
 * test card this file chooses, so the intent becomes requires_capture, or declines as Stripe's would.
 */
import { test as base, expect, type Page, type Route } from '@playwright/test';
import type Stripe from 'stripe';
import type { TestSandbox } from '../helpers/sandbox';
import { createManager, expectNoAxeViolations, payAtDesk, refreshUntil } from './desk-helpers';
import { LIVE_SECRET_KEY, withLivePreview } from './fixtures';

interface Seeded {
  customerId: string;
  invoiceId: string;
  number: string;
  readerId: string;
}

interface Live {
  url: string;
  sb: TestSandbox;
  seeded: Seeded;
  /** The test card the next processPayment presents on the reader. */
  card: { number: string };
}

const CUSTOMER = 'Rita Reader';

/** A customer with a finalized $90.00 invoice and a simulated reader, made in the sandbox with the SDK before the preview starts (its first sync brings them). */
async function seed(sb: TestSandbox): Promise<Seeded> {
  const customer = await sb.stripe.customers.create({
    name: CUSTOMER,
    email: 'rita@example.com',
    address: { postal_code: '78701', country: 'US', line1: '9 Elm St' },
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
  const location = await sb.stripe.terminal.locations.create({ display_name: 'Front desk', address: { country: 'US' } });
  const reader = await sb.stripe.terminal.readers.create({
    registration_code: 'simulated-wpe',
    label: 'Counter reader',
    location: location.id,
  });
  return { customerId: customer.id, invoiceId: invoice.id, number: invoice.number!, readerId: reader.id };
}

const test = base.extend<{ live: Live }>({
  live: async ({}, use) => {
    // The station's settings file: the reader is driven from the window.
    await withLivePreview({ prefix: 'kiosk-e2e-terminal-js-', settings: { terminalDriver: 'js' }, seed }, ({ url, sb, seeded }) =>
      use({ url, sb, seeded, card: { number: '4242424242424242' } }),
    );
  },
  baseURL: async ({ live }, use) => {
    await use(live.url);
  },
});

/** The stand-in for js.stripe.com/terminal/v1: the SDK calls the adapter makes, with the sandbox's reader as the discovered one. */
function fakeTerminalSdk(reader: { id: string; label: string }): string {
  return `
(() => {
  const log = { calls: [], tokens: 0 };
  window.__fakeTerminal = log;
  const reader = ${JSON.stringify({ ...reader, device_type: 'simulated_wisepos_e', status: 'online', serial_number: 'SIM-1' })};
  window.StripeTerminal = {
    PaymentStatus: {}, ConnectionStatus: {}, OutputLogLevel: {},
    create(props) {
      log.calls.push('create');
      let pending = null;
      // Plays the reader dropping off (cable out, battery); a collect in progress never answers.
      window.__dropReader = () => props.onUnexpectedReaderDisconnect({ error: { message: 'reader went away' } });
      return {
        async discoverReaders() { log.calls.push('discoverReaders'); return { discoveredReaders: [reader] }; },
        async connectReader(r) {
          log.calls.push('connectReader:' + r.id);
          await props.onFetchConnectionToken();
          log.tokens += 1;
          return { reader: r };
        },
        collectPaymentMethod(secret) {
          log.calls.push('collectPaymentMethod');
          const pi = { id: secret.split('_secret_')[0], client_secret: secret, status: 'requires_payment_method' };
          if (!window.__holdCollect) return Promise.resolve({ paymentIntent: pi });
          return new Promise((resolve) => { pending = resolve; });
        },
        async cancelCollectPaymentMethod() {
          log.calls.push('cancelCollectPaymentMethod');
          if (pending) pending({ error: { code: 'canceled', message: 'The collection was canceled.' } });
          pending = null;
          return {};
        },
        async processPayment(pi) {
          log.calls.push('processPayment:' + pi.id);
          const body = new URLSearchParams({ client_secret: pi.client_secret, reader: reader.id });
          const res = await fetch('https://api.stripe.com/v1/payment_intents/' + encodeURIComponent(pi.id) + '/terminal_process', { method: 'POST', body });
          const json = await res.json();
          if (!res.ok) return { error: json.error };
          return { paymentIntent: json };
        },
        async disconnectReader() { log.calls.push('disconnectReader'); return {}; },
      };
    },
  };
})();
`;
}

/** Serves the fake SDK and plays its processPayment on the sandbox's simulated reader with the chosen test card. */
async function stubTerminal(page: Page, live: Live): Promise<string[]> {
  const processed: string[] = [];
  const { sb, seeded } = live;
  await page.route('https://js.stripe.com/terminal/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/javascript',
      body: fakeTerminalSdk({ id: seeded.readerId, label: 'Counter reader' }),
    }),
  );
  await page.route('https://api.stripe.com/v1/payment_intents/*/terminal_process', async (route: Route) => {
    const cors = { 'Access-Control-Allow-Origin': '*' };
    const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/')[3] ?? '');
    const form = new URLSearchParams(route.request().postData() ?? '');
    processed.push(id);
    const pi = await sb.stripe.paymentIntents.retrieve(id);
    if (form.get('client_secret') !== pi.client_secret) {
      await route.fulfill({
        status: 400,
        headers: cors,
        contentType: 'application/json',
        body: JSON.stringify({ error: { type: 'invalid_request_error', message: 'bad client secret' } }),
      });
      return;
    }
    await sb.stripe.terminal.readers.processPaymentIntent(form.get('reader') ?? '', { payment_intent: id });
    await sb.stripe.testHelpers.terminal.readers.presentPaymentMethod(form.get('reader') ?? '', {
      type: 'card_present',
      card_present: { number: live.card.number },
    });
    const after = await sb.stripe.paymentIntents.retrieve(id);
    if (after.status === 'requires_capture') {
      await route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify(after) });
      return;
    }
    const e = after.last_payment_error;
    const error = {
      type: 'card_error',
      code: e?.code ?? 'card_declined',
      decline_code: e?.decline_code,
      message: e?.message ?? 'Your card was declined.',
      payment_intent: after,
    };
    await route.fulfill({ status: 402, headers: cors, contentType: 'application/json', body: JSON.stringify({ error }) });
  });
  return processed;
}

/** Lookup → the customer (the first sync of a new station may still be running). */
async function openCustomer(page: Page): Promise<void> {
  await page.getByTestId('desk-tab-lookup').click();
  await expect(async () => {
    await page.getByTestId('desk-search').fill('');
    await page.getByTestId('desk-search').fill('Rita');
    await page.getByTestId('customer-hit').filter({ hasText: CUSTOMER }).getByTestId('open-customer').click({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 2, name: CUSTOMER })).toBeVisible();
}

async function intentsFor(sb: TestSandbox, seeded: Seeded): Promise<Stripe.PaymentIntent[]> {
  return (await sb.stripe.paymentIntents.list({ customer: seeded.customerId, limit: 100 })).data.filter(
    (p) => p.metadata['invoice_id'] === seeded.invoiceId,
  );
}

test('terminal-js in live mode: connect the reader, the card is approved, main captures once; receipt and the customer’s payment shown', async ({
  page,
  live,
}) => {
  const { sb, seeded } = live;
  const processed = await stubTerminal(page, live);
  const bodies: string[] = [];
  page.on(
    'response',
    (res) =>
      void res.text().then(
        (t) => bodies.push(t),
        () => {},
      ),
  );

  await createManager(page);
  await openCustomer(page);
  await payAtDesk(page);
  // The SDK found the station's reader; nothing is connected yet on a new station.
  const picker = page.getByTestId('desk-js-reader');
  await expect(picker.getByLabel('Card reader')).toHaveValue(seeded.readerId);
  await expect(page.getByTestId('desk-reader')).toHaveCount(0); // not the server-driven reader list
  await page.getByTestId('desk-js-connect').click();
  await expect(page.getByTestId('desk-js-connected')).toHaveText('Connected: Counter reader');
  await page.getByLabel('Amount').fill('40.00');
  await expectNoAxeViolations(page);
  await page.getByTestId('desk-pay-submit').click();

  const result = page.getByTestId('desk-pay-result');
  await expect(result).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('Payment approved');
  await expect(page.getByTestId('desk-result-amount')).toHaveText('$40.00');
  await expect(page.getByTestId('desk-result-card')).toContainText('Visa ending in 4242');
  await expect(page.getByTestId('receipt-aid')).toHaveText(/^A0/);
  await expect(page.getByTestId('receipt-auth')).not.toHaveText('—');
  await expectNoAxeViolations(page);

  // One PaymentIntent, processed once by the reader, captured once by main, credited to the invoice.
  const intents = await intentsFor(sb, seeded);
  expect(intents).toHaveLength(1);
  expect(processed).toEqual([intents[0]!.id]);
  expect(intents[0]).toMatchObject({
    status: 'succeeded',
    amount: 4000,
    amount_received: 4000,
    capture_method: 'manual',
    payment_method_types: ['card_present'],
  });
  expect(intents[0]!.metadata).toMatchObject({ channel: 'desk', station_id: 'station-1' });
  await expect(page.getByTestId('desk-result-confirmation')).toHaveText(intents[0]!.id);
  expect((await sb.stripe.charges.list({ payment_intent: intents[0]!.id })).data.filter((c) => c.captured)).toHaveLength(1);
  expect((await sb.stripe.invoices.retrieve(seeded.invoiceId)).amount_paid).toBe(4000);

  // The receipt prints from the desk's ledger, and the payment is in the customer's file.
  await page.getByTestId('desk-print').click();
  await expect(page.getByTestId('desk-print-answer')).toBeVisible();
  await page.getByTestId('desk-pay-done').click();
  const row = page.getByTestId('desk-payment-row').filter({ hasText: '$40.00' });
  await refreshUntil(page, () => expect(row).toBeVisible({ timeout: 500 }));

  // The SDK got its connection token from main; the secret key never reached the page.
  const calls = await page.evaluate(() => (window as unknown as { __fakeTerminal: { calls: string[]; tokens: number } }).__fakeTerminal);
  expect(calls.tokens).toBe(1);
  expect(calls.calls).toEqual([
    'create',
    'discoverReaders',
    `connectReader:${seeded.readerId}`,
    'collectPaymentMethod',
    `processPayment:${intents[0]!.id}`,
  ]);
  for (const body of bodies) expect(body).not.toContain(LIVE_SECRET_KEY);
});

test('terminal-js in live mode: the remembered reader reconnects; a decline, Cancel mid-collect and a reader that drops off capture nothing', async ({
  page,
  live,
}) => {
  const { sb, seeded } = live;
  const processed = await stubTerminal(page, live);

  await createManager(page);
  await openCustomer(page);
  // In Spanish, the reader's controls too.
  await page.getByRole('button', { name: 'Español' }).click();
  await payAtDesk(page);
  await page.getByTestId('desk-js-connect').click();
  await expect(page.getByTestId('desk-js-connected')).toHaveText('Conectado: Counter reader');
  await expect(page.getByTestId('desk-js-disconnect')).toHaveText('Desconectar');
  await page.getByTestId('desk-pay').getByRole('button', { name: 'Cerrar' }).click();
  await page.getByRole('button', { name: 'English' }).click();

  // A new page (a reload: the SDK starts over) connects the station's reader by itself.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Front desk' })).toBeVisible();
  await openCustomer(page);
  await payAtDesk(page);
  await expect(page.getByTestId('desk-js-connected')).toHaveText('Connected: Counter reader');

  // A declined card.
  live.card.number = '4000000000000002';
  await page.getByLabel('Amount').fill('25.00');
  await page.getByTestId('desk-pay-submit').click();
  const result = page.getByTestId('desk-pay-result');
  await expect(result).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('The card payment did not go through');
  await expect(page.getByTestId('desk-pay-message')).toHaveText('The card was declined. Nothing was charged. Please try another card.');
  await expect(page.getByTestId('desk-print')).toHaveCount(0);
  await expectNoAxeViolations(page);
  expect(processed).toHaveLength(1);

  // Cancel while the reader waits for the card.
  await page.evaluate(() => ((window as unknown as { __holdCollect: boolean }).__holdCollect = true));
  await page.getByTestId('desk-pay-again').click();
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');
  await expect(page.getByTestId('desk-reader-status').getByText('Insert, tap or swipe the card on the reader')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByTestId('desk-card-cancel').click();
  await expect(result).toHaveAttribute('data-status', 'canceled');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('The card payment was canceled');
  await expect(page.getByTestId('desk-pay-message')).toHaveText('The payment was canceled. Nothing was charged.');

  // The reader drops off while it waits for the card.
  await page.getByTestId('desk-pay-again').click();
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');
  await page.evaluate(() => (window as unknown as { __dropReader: () => void }).__dropReader());
  await expect(result).toHaveAttribute('data-status', 'canceled');
  await expect(page.getByTestId('desk-pay-message')).toHaveText(/^The card reader disconnected\. Nothing was charged\./);
  // Back at the form, the SDK finds the station's reader again and reconnects it.
  await page.getByTestId('desk-pay-again').click();
  await expect(page.getByTestId('desk-js-connected')).toHaveText('Connected: Counter reader');

  // Three attempts, three intents, all canceled: nothing captured, the invoice untouched.
  expect(processed).toHaveLength(1);
  const intents = await intentsFor(sb, seeded);
  expect(intents).toHaveLength(3);
  for (const pi of intents) {
    expect(pi.status).toBe('canceled');
    expect(pi.amount_received).toBe(0);
    expect((await sb.stripe.charges.list({ payment_intent: pi.id })).data.filter((c) => c.captured)).toHaveLength(0);
  }
  expect((await sb.stripe.invoices.retrieve(seeded.invoiceId)).amount_paid).toBe(0);
});
