/** TerminalService end to end: the real SDK (through TerminalGateway) over HTTP to the sandbox's simulated readers. */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/main/services/clock.js';
import { AppError } from '../../electron/main/services/errors.js';
import { plainMessage } from '../../electron/main/services/terminal/messages.js';
import {
  TerminalService,
  TRAINING_READER_LABEL,
  type TerminalPaymentInput,
  type TerminalUpdate,
  type TestCard,
} from '../../electron/main/services/terminal/terminal-service.js';
import { TerminalGateway } from '../../electron/main/stripe/terminal-gateway.js';
import { startTestSandbox, TEST_SECRET_KEY, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
let stripe: Stripe;
let gateway: TerminalGateway;
let service: TerminalService;
let locationId: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestSandbox();
  stripe = t.stripe;
  gateway = new TerminalGateway({
    secretKey: TEST_SECRET_KEY,
    endpoint: { host: '127.0.0.1', port: t.port, protocol: 'http' },
    clock: systemClock,
    maxNetworkRetries: 0,
  });
  service = new TerminalService({ gateway, clock: systemClock, pollIntervalMs: 5, trainingMode: true });
  locationId = (await gateway.createLocation({ displayName: 'Counter', country: 'US' })).id;
});
afterAll(() => t.stop());

async function newReader(): Promise<string> {
  return (await service.registerReader('simulated-wpe', `Lane ${++seq}`, locationId)).id;
}

function input(readerId: string, extra: Partial<TerminalPaymentInput> = {}): TerminalPaymentInput {
  return {
    amount: 2000,
    currency: 'usd',
    customerId: null,
    invoiceId: null,
    readerId,
    stationId: 'kiosk-1',
    staffId: 'staff-7',
    metadata: { purpose: 'test' },
    idempotencyKeyBase: `attempt-${++seq}`,
    ...extra,
  };
}

/** Runs a payment and, once the reader waits for a card, does `act` (tap a card, cancel, ...). */
function payThen(svc: TerminalService, inp: TerminalPaymentInput, act?: (u: TerminalUpdate) => Promise<unknown>) {
  const updates: TerminalUpdate[] = [];
  const acted: Promise<unknown>[] = [];
  const result = svc.processPayment(inp, (u) => {
    updates.push(u);
    if (u.stage === 'waiting_for_card' && act) acted.push(act(u));
  });
  return {
    result: result.then(async (r) => {
      await Promise.all(acted);
      return r;
    }),
    updates,
  };
}

const tap =
  (readerId: string, card: TestCard = 'visa') =>
  () =>
    service.presentTestCard(readerId, card);

async function chargesFor(piId: string): Promise<Stripe.Charge[]> {
  return (await stripe.charges.list({ payment_intent: piId, limit: 100 })).data;
}

describe('readers', () => {
  it('registers both device types, lists them with their current action, and rejects a bad code', async () => {
    const wpe = await service.registerReader('simulated-wpe', 'Front 1', locationId);
    const s700 = await service.registerReader('simulated-s700', 'Front 2', locationId);
    expect(wpe).toMatchObject({ label: 'Front 1', status: 'online', model: 'bbpos_wisepos_e', simulated: true, action: null, locationId });
    expect(s700).toMatchObject({ model: 'stripe_s700', simulated: true });
    const err = await service.registerReader('nope-nope', 'X', locationId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_request', field: 'registrationCode' });
    const pi = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      allowed_payment_method_types: ['card_present'],
      capture_method: 'manual',
    });
    await stripe.terminal.readers.processPaymentIntent(wpe.id, { payment_intent: pi.id });
    const listed = (await service.listReaders()).find((r) => r.id === wpe.id)!;
    expect(listed.action).toMatchObject({ type: 'process_payment_intent', status: 'in_progress', paymentIntentId: pi.id });
    expect((await service.cancel(wpe.id)).action).toMatchObject({ status: 'failed', failureCode: 'canceled' });
    // Canceling with nothing running is fine.
    expect((await service.cancel(wpe.id)).id).toBe(wpe.id);
  });

  it('ensureTrainingReader makes the Front desk location and one simulated WisePOS E, once', async () => {
    const a = await service.ensureTrainingReader();
    const b = await service.ensureTrainingReader();
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({ label: TRAINING_READER_LABEL, model: 'bbpos_wisepos_e', simulated: true });
    expect((await service.listReaders()).filter((r) => r.label === TRAINING_READER_LABEL)).toHaveLength(1);
    const locations = await gateway.listLocations();
    expect(locations.filter((l) => l.displayName === 'Front desk')).toHaveLength(1);
    expect(locations.find((l) => l.displayName === 'Front desk')!.id).toBe(a.locationId);
  });

  it('creates connection tokens and refuses test cards outside training mode', async () => {
    expect(await service.createConnectionToken(locationId)).toMatchObject({ locationId });
    expect((await service.createConnectionToken()).secret).toMatch(/^pst_test_/);
    const live = new TerminalService({ gateway, clock: systemClock, trainingMode: false });
    await expect(live.presentTestCard('tmr_x')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('processPayment', () => {
  it('succeeds: card_present intent, manual capture, EMV receipt fields, invoice credited', async () => {
    const readerId = await newReader();
    const cus = await stripe.customers.create({ name: 'Pat', email: 'pat@x.io' });
    const inv = await stripe.invoices.create({ customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 3000, currency: 'usd', invoice: inv.id, description: 'Dues' });
    await stripe.invoices.finalizeInvoice(inv.id);
    const run = payThen(service, input(readerId, { amount: 3000, customerId: cus.id, invoiceId: inv.id }), tap(readerId));
    const r = await run.result;
    expect(r).toMatchObject({
      status: 'succeeded',
      amount: 3000,
      currency: 'usd',
      brand: 'visa',
      last4: '4242',
      invoiceAttached: true,
      receipt: {
        applicationPreferredName: 'Stripe Credit',
        dedicatedFileName: 'A0000000031010',
        authorizationResponseCode: '3030',
        accountType: 'credit',
        readMethod: 'contactless_emv',
      },
    });
    if (r.status !== 'succeeded') throw new Error('unreachable');
    for (const k of ['authorizationCode', 'applicationCryptogram', 'terminalVerificationResults', 'transactionStatusInformation'] as const)
      expect(r.receipt[k]).toEqual(expect.any(String));
    expect(run.updates.map((u) => u.stage)).toEqual(['waiting_for_card', 'capturing']);
    const pi = await stripe.paymentIntents.retrieve(r.paymentIntentId);
    expect(pi).toMatchObject({
      status: 'succeeded',
      capture_method: 'manual',
      payment_method_types: ['card_present'],
      amount_received: 3000,
      customer: cus.id,
    });
    expect(pi.metadata).toMatchObject({ station_id: 'kiosk-1', staff_id: 'staff-7', invoice_id: inv.id, purpose: 'test' });
    expect(await stripe.invoices.retrieve(inv.id)).toMatchObject({ status: 'paid', amount_paid: 3000, amount_remaining: 0 });
  });

  it.each([
    ['declined', 2000, 'generic_decline'],
    ['insufficient_funds', 2000, 'insufficient_funds'],
    ['expired', 2000, 'expired_card'],
    ['lost_card', 2000, 'lost_card'],
    ['processing_error', 2000, 'processing_error'],
    ['visa', 2001, 'call_issuer'],
    ['visa', 2055, 'incorrect_pin'],
    ['visa', 2065, 'withdrawal_count_limit_exceeded'],
    ['visa', 2075, 'pin_try_exceeded'],
  ] as const)('fails in plain words: %s card, amount %i → %s', async (card, amount, code) => {
    const readerId = await newReader();
    const r = await payThen(service, input(readerId, { amount }), tap(readerId, card)).result;
    expect(r).toMatchObject({ status: 'failed', code, message: plainMessage(code) });
    if (r.status !== 'failed') throw new Error('expected a failure');
    expect(r.message).not.toMatch(/_/);
    const pi = await stripe.paymentIntents.retrieve(r.paymentIntentId);
    expect(pi.status).toBe('requires_payment_method');
    expect((await chargesFor(pi.id)).every((c) => c.status === 'failed')).toBe(true);
  });

  it('the customer cancels on the reader mid-payment', async () => {
    const readerId = await newReader();
    const cancelOnReader = () => fetch(`${t.url}/__sandbox/readers/${readerId}/customer_cancel`, { method: 'POST' });
    const r = await payThen(service, input(readerId), cancelOnReader).result;
    expect(r).toMatchObject({ status: 'failed', code: 'customer_canceled', message: plainMessage('customer_canceled') });
    expect((await stripe.paymentIntents.retrieve(r.paymentIntentId)).status).toBe('requires_payment_method');
  });

  it('staff cancel from the kiosk ends the payment as canceled', async () => {
    const readerId = await newReader();
    const r = await payThen(service, input(readerId), () => service.cancel(readerId)).result;
    expect(r).toMatchObject({ status: 'failed', code: 'canceled' });
  });

  it('a busy reader gives a conflict AppError; the running payment is not disturbed', async () => {
    const readerId = await newReader();
    let waiting!: () => void;
    const isWaiting = new Promise<void>((resolve) => (waiting = resolve));
    const first = service.processPayment(input(readerId), (u) => {
      if (u.stage === 'waiting_for_card') waiting();
    });
    await isWaiting;
    const err = await service.processPayment(input(readerId)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'conflict', reason: 'reader_busy' });
    await service.presentTestCard(readerId, 'visa');
    expect(await first).toMatchObject({ status: 'succeeded' });
  });

  it('an offline reader gives a stripe_unavailable AppError', async () => {
    const readerId = await newReader();
    await fetch(`${t.url}/__sandbox/readers/${readerId}/status`, {
      method: 'POST',
      body: 'status=offline',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const err = await service.processPayment(input(readerId)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'stripe_unavailable' });
    expect((err as AppError).reason).toBe('reader_offline');
  });

  it('times out when no card is presented: the reader action is canceled and the intent stays payable', async () => {
    const readerId = await newReader();
    const quick = new TerminalService({ gateway, clock: systemClock, pollIntervalMs: 5, timeoutMs: 60, trainingMode: true });
    const run = payThen(quick, input(readerId));
    const r = await run.result;
    expect(r).toMatchObject({ status: 'failed', code: 'timeout', message: plainMessage('timeout') });
    expect(run.updates.map((u) => u.stage)).toEqual(['waiting_for_card', 'canceling']);
    const reader = (await service.listReaders()).find((x) => x.id === readerId)!;
    expect(reader.action).toMatchObject({ status: 'failed', failureCode: 'canceled' });
    expect((await stripe.paymentIntents.retrieve(r.paymentIntentId)).status).toBe('requires_payment_method');
    expect(await chargesFor(r.paymentIntentId)).toHaveLength(0);
  });

  it('a retry with the same key base returns the same intent and charges once', async () => {
    const readerId = await newReader();
    const inp = input(readerId, { amount: 4200 });
    const before = (await stripe.paymentIntents.list({ limit: 100 })).data.length;
    const first = await payThen(service, inp, tap(readerId)).result;
    expect(first.status).toBe('succeeded');
    const again = await service.processPayment(inp);
    expect(again).toEqual(first);
    expect((await stripe.paymentIntents.list({ limit: 100 })).data.length).toBe(before + 1);
    const charges = await chargesFor(first.paymentIntentId);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ captured: true, amount_captured: 4200 });
  });

  it('a retry while the first call still waits follows the same reader action; one charge', async () => {
    const readerId = await newReader();
    const inp = input(readerId, { amount: 1500 });
    let waiting!: () => void;
    const isWaiting = new Promise<void>((resolve) => (waiting = resolve));
    const first = service.processPayment(inp, (u) => {
      if (u.stage === 'waiting_for_card') waiting();
    });
    await isWaiting;
    const second = service.processPayment(inp);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await service.presentTestCard(readerId);
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ status: 'succeeded' });
    expect(b.paymentIntentId).toBe(a.paymentIntentId);
    expect(b.status).toBe('succeeded');
    expect(await chargesFor(a.paymentIntentId)).toHaveLength(1);
  });

  it('a retry after a decline replays the same outcome instead of charging again', async () => {
    const readerId = await newReader();
    const inp = input(readerId);
    const first = await payThen(service, inp, tap(readerId, 'insufficient_funds')).result;
    expect(first).toMatchObject({ status: 'failed', code: 'insufficient_funds' });
    const again = await service.processPayment(inp);
    expect(again).toMatchObject({ status: 'failed', code: 'insufficient_funds', paymentIntentId: first.paymentIntentId });
    expect(await chargesFor(first.paymentIntentId)).toHaveLength(1);
  });
});
