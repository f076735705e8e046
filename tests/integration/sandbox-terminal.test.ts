/** Terminal in the sandbox, over the wire with the real SDK: locations, readers, server-driven actions, card_present charges. */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
let stripe: Stripe;
let location: Stripe.Terminal.Location;
beforeAll(async () => {
  t = await startTestSandbox();
  stripe = t.stripe;
  location = await stripe.terminal.locations.create({
    display_name: 'Front desk',
    address: { line1: '1 Main St', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' },
  });
});
afterAll(() => t.stop());

async function reader(label = 'Lane', code = 'simulated-wpe'): Promise<Stripe.Terminal.Reader> {
  return stripe.terminal.readers.create({ registration_code: code, label, location: location.id });
}

async function intent(amount = 1000, capture: 'manual' | 'automatic' = 'manual'): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount, currency: 'usd', allowed_payment_method_types: ['card_present'], capture_method: capture });
}

async function setStatus(id: string, status: 'online' | 'offline'): Promise<void> {
  const r = await fetch(`${t.url}/__sandbox/readers/${id}/status`, {
    method: 'POST',
    body: `status=${status}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(r.status).toBe(200);
}

async function present(readerId: string, number?: string): Promise<Stripe.Terminal.Reader> {
  return stripe.testHelpers.terminal.readers.presentPaymentMethod(
    readerId,
    number ? { type: 'card_present', card_present: { number } } : {},
  );
}

describe('terminal locations', () => {
  it('creates, retrieves, updates and lists', async () => {
    expect(location).toMatchObject({
      object: 'terminal.location',
      display_name: 'Front desk',
      address: { country: 'US', city: 'Springfield' },
    });
    const got = await stripe.terminal.locations.retrieve(location.id);
    expect(got).toMatchObject({ id: location.id, display_name: 'Front desk' });
    const other = await stripe.terminal.locations.create({
      display_name: 'Back office',
      address: { country: 'US' },
      metadata: { floor: '2' },
    });
    const upd = await stripe.terminal.locations.update(other.id, { display_name: 'Back office 2' });
    expect(upd).toMatchObject({ display_name: 'Back office 2', metadata: { floor: '2' } });
    const list = await stripe.terminal.locations.list({ limit: 10 });
    expect(list.data.map((l) => l.id)).toEqual(expect.arrayContaining([location.id, other.id]));
    await expect(stripe.terminal.locations.create({ display_name: 'No country' })).rejects.toMatchObject({ param: 'address' });
    await expect(stripe.terminal.locations.retrieve('tml_missing')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('makes connection tokens, scoped to a location or not', async () => {
    const tok = await stripe.terminal.connectionTokens.create({ location: location.id });
    expect(tok).toMatchObject({ object: 'terminal.connection_token', location: location.id });
    expect(tok.secret).toMatch(/^pst_test_/);
    const any = await stripe.terminal.connectionTokens.create();
    expect(any.location).toBeUndefined();
    await expect(stripe.terminal.connectionTokens.create({ location: 'tml_nope' })).rejects.toMatchObject({ param: 'location' });
  });
});

describe('terminal readers', () => {
  it('registers both simulated device types, lists, updates, deletes', async () => {
    const wpe = await reader('WPE', 'simulated-wpe');
    const s700 = await reader('S700', 'simulated-s700');
    expect(wpe).toMatchObject({
      object: 'terminal.reader',
      device_type: 'simulated_wisepos_e',
      label: 'WPE',
      status: 'online',
      action: null,
      location: location.id,
    });
    expect(s700).toMatchObject({ device_type: 'simulated_stripe_s700', label: 'S700' });
    const list = await stripe.terminal.readers.list({ location: location.id, limit: 100 });
    expect(list.data.map((r) => r.id)).toEqual(expect.arrayContaining([wpe.id, s700.id]));
    const s700s = await stripe.terminal.readers.list({ device_type: 'simulated_stripe_s700', limit: 100 });
    expect(s700s.data.every((r) => r.device_type === 'simulated_stripe_s700')).toBe(true);
    expect(await stripe.terminal.readers.update(wpe.id, { label: 'Desk 1' })).toMatchObject({ label: 'Desk 1' });
    const del = await stripe.terminal.readers.del(s700.id);
    expect(del).toMatchObject({ id: s700.id, deleted: true });
    const after = await stripe.terminal.readers.list({ limit: 100 });
    expect(after.data.map((r) => r.id)).not.toContain(s700.id);
    await expect(stripe.terminal.readers.create({ registration_code: 'puppy-kitten-cat' })).rejects.toMatchObject({
      param: 'registration_code',
    });
  });

  it('goes offline and online through the admin switch', async () => {
    const r = await reader();
    await setStatus(r.id, 'offline');
    expect((await stripe.terminal.readers.list({ status: 'offline', limit: 100 })).data.map((x) => x.id)).toContain(r.id);
    const pi = await intent();
    await expect(stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'terminal_reader_offline',
    });
    await setStatus(r.id, 'online');
    const ok = await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    expect(ok.action?.status).toBe('in_progress');
  });
});

describe('server-driven payments', () => {
  it('processes, stays in progress until a card is presented, then succeeds with a manual-capture intent and EMV receipt', async () => {
    const r = await reader();
    const pi = await intent(2500);
    const started = await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    expect(started.action).toMatchObject({
      type: 'process_payment_intent',
      status: 'in_progress',
      failure_code: null,
      process_payment_intent: { payment_intent: pi.id },
    });
    expect(((await stripe.terminal.readers.retrieve(r.id)) as Stripe.Terminal.Reader).action?.status).toBe('in_progress');
    const done = await present(r.id);
    expect(done.action).toMatchObject({ status: 'succeeded', type: 'process_payment_intent' });
    const held = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'payment_method'] });
    expect(held).toMatchObject({ status: 'requires_capture', amount_capturable: 2500 });
    const charge = held.latest_charge as Stripe.Charge;
    const cp = charge.payment_method_details!.card_present!;
    expect(charge.payment_method_details!.type).toBe('card_present');
    expect(cp).toMatchObject({ brand: 'visa', last4: '4242', read_method: 'contactless_emv', reader: r.id });
    expect(cp.exp_year).toBeGreaterThan(2000);
    expect(cp.receipt).toMatchObject({
      account_type: 'credit',
      application_preferred_name: 'Stripe Credit',
      dedicated_file_name: 'A0000000031010',
      authorization_response_code: '3030',
    });
    for (const k of [
      'application_cryptogram',
      'authorization_code',
      'cardholder_verification_method',
      'terminal_verification_results',
      'transaction_status_information',
    ] as const) {
      expect(typeof cp.receipt![k]).toBe('string');
    }
    expect((held.payment_method as Stripe.PaymentMethod).type).toBe('card_present');
    const captured = await stripe.paymentIntents.capture(pi.id);
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 2500 });
    const ch = await stripe.charges.retrieve(charge.id);
    expect(ch).toMatchObject({ captured: true, amount_captured: 2500 });
  });

  it('automatic capture succeeds at once; a tip adds to the amount', async () => {
    const r = await reader();
    const pi = await intent(1000, 'automatic');
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(r.id, { amount_tip: 150 });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after).toMatchObject({ status: 'succeeded', amount: 1150, amount_received: 1150 });
  });

  it.each([
    ['4000000000000002', 'card_declined', 'generic_decline'],
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000009987', 'card_declined', 'lost_card'],
    ['4000000000009979', 'card_declined', 'stolen_card'],
    ['4000000000000069', 'expired_card', 'expired_card'],
    ['4000000000000119', 'processing_error', 'processing_error'],
  ])('declines test card %s with %s / %s and the intent can be retried', async (number, code, declineCode) => {
    const r = await reader();
    const pi = await intent(1000);
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    const failed = await present(r.id, number);
    expect(failed.action).toMatchObject({ status: 'failed', failure_code: code });
    expect(failed.action!.failure_message).toBeTruthy();
    expect(failed.action!.api_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode });
    const back = await stripe.paymentIntents.retrieve(pi.id);
    expect(back.status).toBe('requires_payment_method');
    expect(back.last_payment_error).toMatchObject({ code, decline_code: declineCode });
    // The same intent can be processed again and paid with another card.
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    expect((await present(r.id, '5555555555554444')).action?.status).toBe('succeeded');
    const paid = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(paid.status).toBe('requires_capture');
    expect((paid.latest_charge as Stripe.Charge).payment_method_details!.card_present).toMatchObject({
      brand: 'mastercard',
      last4: '4444',
    });
  });

  it.each([
    [1000, null],
    [1001, 'call_issuer'],
    [1005, 'generic_decline'],
    [1055, 'incorrect_pin'],
    [1065, 'withdrawal_count_limit_exceeded'],
    [1075, 'pin_try_exceeded'],
  ])('amount %i gives %s', async (amount, declineCode) => {
    const r = await reader();
    const pi = await intent(amount);
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    const out = await present(r.id);
    if (declineCode === null) {
      expect(out.action?.status).toBe('succeeded');
      expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
    } else {
      expect(out.action).toMatchObject({ status: 'failed', failure_code: 'card_declined', api_error: { decline_code: declineCode } });
      expect((await stripe.paymentIntents.retrieve(pi.id)).last_payment_error?.decline_code).toBe(declineCode);
    }
  });

  it('refuses a second action while one runs (terminal_reader_busy) and an intent in the wrong state (intent_invalid_state)', async () => {
    const r = await reader();
    const pi = await intent();
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    const other = await intent();
    await expect(stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: other.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'terminal_reader_busy',
    });
    await present(r.id);
    await expect(stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'intent_invalid_state',
    });
    const card = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', allowed_payment_method_types: ['card'] });
    await expect(stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: card.id })).rejects.toMatchObject({
      param: 'payment_intent',
    });
    await expect(stripe.testHelpers.terminal.readers.presentPaymentMethod(r.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('cancel_action fails the action and leaves the intent payable; customer cancel on the reader too', async () => {
    const r = await reader();
    const pi = await intent();
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    const canceled = (await stripe.terminal.readers.cancelAction(r.id)) as Stripe.Terminal.Reader;
    expect(canceled.action).toMatchObject({ status: 'failed', failure_code: 'canceled', api_error: null });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method');
    await expect(stripe.terminal.readers.cancelAction(r.id)).rejects.toMatchObject({ statusCode: 400 });
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    const res = await fetch(`${t.url}/__sandbox/readers/${r.id}/customer_cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const after = (await stripe.terminal.readers.retrieve(r.id)) as Stripe.Terminal.Reader;
    expect(after.action).toMatchObject({ status: 'failed', failure_code: 'customer_canceled' });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method');
  });

  it('records events for reader actions, capturable amounts and charges', async () => {
    const r = await reader();
    const pi = await intent(700);
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi.id });
    await present(r.id);
    await stripe.paymentIntents.capture(pi.id);
    const pi2 = await intent(705);
    await stripe.terminal.readers.processPaymentIntent(r.id, { payment_intent: pi2.id });
    await present(r.id);
    const events = await stripe.events.list({ limit: 100 });
    const types = (id: string) => events.data.filter((e) => JSON.stringify(e.data.object).includes(id)).map((e) => e.type);
    expect(types(pi.id)).toEqual(
      expect.arrayContaining([
        'terminal.reader.action_succeeded',
        'payment_intent.amount_capturable_updated',
        'charge.succeeded',
        'charge.captured',
        'payment_intent.succeeded',
      ]),
    );
    expect(types(pi2.id)).toEqual(
      expect.arrayContaining(['terminal.reader.action_failed', 'charge.failed', 'payment_intent.payment_failed']),
    );
  });
});
