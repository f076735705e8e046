/**
 * Front desk card-present payments with `terminalDriver: 'js'` (the reader driven by
 * `@stripe/terminal-js` in the window): main creates the intent, the window's SDK collects and
 * processes it, main captures or cancels. Through the real composition, the real `stripe` SDK over
 * HTTP and the training sandbox.
 *
 * What the SDK's processPayment does on Stripe's side is played here on the sandbox's simulated
 * reader (process_payment_intent, then the present_payment_method test helper with a test card):
 * the intent becomes requires_capture with a card_present charge, or declines and goes back to
 * requires_payment_method with last_payment_error, as with the SDK.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/main/services/audit/audit-log';
import { CardPresentJsPayments } from '../../electron/main/services/desk-payments/card-present-js';
import { DeskLedger } from '../../electron/main/services/desk-payments/ledger';
import { PaymentLedger } from '../../electron/main/services/payments/ledger';
import { InvoiceClaims } from '../../electron/main/services/payments/invoice-guard';
import { LocalStore } from '../../electron/main/services/local-store/local-store';
import { silentLogger } from '../../electron/main/services/logger';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { TerminalService } from '../../electron/main/services/terminal/terminal-service';
import { TerminalGateway } from '../../electron/main/stripe/terminal-gateway';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { TEST_SECRET_KEY } from '../helpers/sandbox';

let k: TestKiosk;
let readerId: string;
let staffId: string;
beforeAll(async () => {
  k = await startTestKiosk({ settings: { terminalDriver: 'js' } });
  staffId = (await k.ok('mgr', 'deskCreateFirstManager', { name: 'Jo Manager', pin: '1357' })).staff.id;
  // The training sandbox's simulated reader stands in for the reader the SDK is connected to.
  readerId = (await k.ok('mgr', 'deskReaders', {})).chosenReaderId!;
});
afterAll(async () => k.stop());

const VISA = '4242424242424242';
const DECLINED = '4000000000000002';

/** The SDK's processPayment on Stripe's side: the reader reads `card` for the intent behind the client secret. */
async function readerProcesses(clientSecret: string, card = VISA): Promise<Stripe.PaymentIntent> {
  const id = clientSecret.split('_secret_')[0]!;
  expect((await k.stripe.paymentIntents.retrieve(id)).client_secret).toBe(clientSecret);
  await k.stripe.terminal.readers.processPaymentIntent(readerId, { payment_intent: id });
  await k.stripe.testHelpers.terminal.readers.presentPaymentMethod(readerId, { type: 'card_present', card_present: { number: card } });
  return k.stripe.paymentIntents.retrieve(id);
}

/** Open invoices, the most left to pay first; each test takes its own. */
async function openInvoice(index: number): Promise<Stripe.Invoice> {
  const list = await k.stripe.invoices.list({ limit: 100, status: 'open' });
  const open = list.data.filter((i) => i.amount_remaining > 3000).sort((a, b) => b.amount_remaining - a.amount_remaining);
  return open[index % open.length]!;
}

async function intentsOf(inv: Stripe.Invoice): Promise<Stripe.PaymentIntent[]> {
  return (await k.stripe.paymentIntents.list({ customer: inv.customer as string, limit: 100 })).data.filter(
    (p) => p.metadata['invoice_id'] === inv.id,
  );
}

const create = (inv: Stripe.Invoice, amount: number) =>
  k.call('mgr', 'deskCreateTerminalJsPayment', { invoiceId: inv.id, customerId: inv.customer as string, amount, readerId });

describe('terminal-js payments', () => {
  it('create → the reader approves → capture: the invoice is credited once, one intent, the ledger and receipt as the server-driven flow', async () => {
    const inv = await openInvoice(0);
    const before = await intentsOf(inv);
    const created = await k.ok('mgr', 'deskCreateTerminalJsPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: 1500,
      readerId,
    });
    // Only what the SDK needs leaves main.
    expect(Object.keys(created).sort()).toEqual(['attemptId', 'clientSecret']);
    const id = created.clientSecret.split('_secret_')[0]!;
    const pi = await k.stripe.paymentIntents.retrieve(id);
    expect(pi).toMatchObject({
      amount: 1500,
      currency: 'usd',
      capture_method: 'manual',
      payment_method_types: ['card_present'],
      status: 'requires_payment_method',
      customer: inv.customer,
    });
    expect(pi.metadata).toMatchObject({
      station_id: 'station-1',
      staff_id: staffId,
      invoice_id: inv.id,
      channel: 'desk',
      desk_payment_id: created.attemptId,
    });
    // The attempt is in the desk's ledger before the reader has done anything.
    expect(await k.ok('mgr', 'deskCardPayment', { paymentId: created.attemptId })).toMatchObject({
      status: 'waiting_for_card',
      paymentIntentId: id,
      readerId,
    });
    // Capturing before the reader approved is refused, and moves nothing.
    expect(await k.call('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.attemptId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    expect((await readerProcesses(created.clientSecret)).status).toBe('requires_capture');
    // A double click: two captures at once give one capture and the same answer.
    const [a, b] = await Promise.all([
      k.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.attemptId }),
      k.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.attemptId }),
    ]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      paymentId: created.attemptId,
      status: 'succeeded',
      amount: 1500,
      currency: 'usd',
      paymentIntentId: id,
      confirmation: id,
      brand: 'visa',
      last4: '4242',
      invoiceAttached: true,
      invoiceId: inv.id,
      message: null,
    });
    expect(a.receipt?.applicationPreferredName).toBeTruthy();
    expect(a.receipt?.dedicatedFileName).toMatch(/^[0-9A-F]+$/i);
    expect(a.receipt?.authorizationResponseCode).toBeTruthy();
    // Later replays answer with the recorded result; the ledger says the same.
    expect(await k.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.attemptId })).toEqual(a);
    expect(await k.ok('mgr', 'deskCardPayment', { paymentId: created.attemptId })).toEqual(a);
    // Cancel after capture cannot take it back: the payment stands.
    expect(await k.ok('mgr', 'deskCancelTerminalJsPayment', { attemptId: created.attemptId })).toEqual(a);

    const captured = await k.stripe.paymentIntents.retrieve(id);
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 1500 });
    expect((await k.stripe.charges.list({ payment_intent: id })).data).toHaveLength(1);
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining - 1500);
    const after = await intentsOf(inv);
    expect(after.filter((p) => !before.some((q) => q.id === p.id)).map((p) => p.id)).toEqual([id]);
    // The customer's file (the local copy) and the receipt, as for a server-driven payment.
    const file = await k.ok('mgr', 'deskCustomer', { customerId: inv.customer as string });
    expect(file.payments.find((p) => p.id === id)).toMatchObject({ amount: 1500, status: 'succeeded' });
    expect((await k.ok('mgr', 'deskReceiptPdf', { paymentId: created.attemptId })).base64.length).toBeGreaterThan(100);
    // Recorded once, by whom and for how much.
    const { entries } = await k.ok('mgr', 'deskAudit', { limit: 500 });
    const succeeded = entries.filter((e) => e.action === 'card.succeeded' && e.detail?.includes(created.attemptId));
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]).toMatchObject({ staffId, subjectId: id, amount: 1500, currency: 'usd', stationId: 'station-1' });
  });

  it('a declined card: plain words, the intent canceled, nothing captured, and the invoice free for the next try', async () => {
    const inv = await openInvoice(1);
    const created = (await create(inv, 1200)) as { ok: true; value: { attemptId: string; clientSecret: string } };
    expect(created.ok).toBe(true);
    const pi = await readerProcesses(created.value.clientSecret, DECLINED);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error?.decline_code).toBe('generic_decline');
    expect(await k.call('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.value.attemptId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    const closed = await k.ok('mgr', 'deskCancelTerminalJsPayment', { attemptId: created.value.attemptId });
    expect(closed).toMatchObject({ status: 'failed', code: 'generic_decline', invoiceId: inv.id, confirmation: null });
    expect(closed.message).toMatch(/declined/);
    expect(closed.message).not.toMatch(/stripe|card_error|_/i);
    expect((await k.stripe.paymentIntents.retrieve(pi.id)).status).toBe('canceled');
    expect((await k.stripe.charges.list({ payment_intent: pi.id })).data.filter((c) => c.captured)).toHaveLength(0);
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining);
    // A settled attempt answers with its record; no receipt for money not taken.
    expect(await k.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: created.value.attemptId })).toEqual(closed);
    expect(await k.call('mgr', 'deskReceiptPdf', { paymentId: created.value.attemptId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    const next = await create(inv, 1200);
    expect(next.ok).toBe(true);
    if (next.ok) await k.ok('mgr', 'deskCancelTerminalJsPayment', { attemptId: next.value.attemptId });
  });

  it('cancel mid-collect, and cancel after the reader approved: the intent is canceled and nothing is captured', async () => {
    const inv = await openInvoice(2);
    const collecting = await k.ok('mgr', 'deskCreateTerminalJsPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: 700,
      readerId,
    });
    const canceled = await k.ok('mgr', 'deskCancelTerminalJsPayment', { attemptId: collecting.attemptId });
    expect(canceled).toMatchObject({ status: 'canceled', code: 'canceled', message: expect.stringMatching(/canceled/) });
    const firstId = collecting.clientSecret.split('_secret_')[0]!;
    expect((await k.stripe.paymentIntents.retrieve(firstId)).status).toBe('canceled');
    // The renderer's capture arriving late gets the record, not a charge.
    expect(await k.ok('mgr', 'deskCaptureTerminalJsPayment', { attemptId: collecting.attemptId })).toEqual(canceled);

    const approved = await k.ok('mgr', 'deskCreateTerminalJsPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: 700,
      readerId,
    });
    expect((await readerProcesses(approved.clientSecret)).status).toBe('requires_capture');
    const released = await k.ok('mgr', 'deskCancelTerminalJsPayment', { attemptId: approved.attemptId });
    expect(released.status).toBe('canceled');
    const secondId = approved.clientSecret.split('_secret_')[0]!;
    expect(await k.stripe.paymentIntents.retrieve(secondId)).toMatchObject({
      status: 'canceled',
      amount_received: 0,
      amount_capturable: 0,
    });
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining);
  });

  it('one attempt per invoice at a time, the same amount rules as the server-driven flow, and js stations only', async () => {
    const inv = await openInvoice(3);
    const before = await intentsOf(inv);
    const over = await create(inv, inv.amount_remaining + 1);
    expect(over).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'amount' } });
    const [a, b] = await Promise.all([create(inv, 600), create(inv, 601)]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect([a, b].find((r) => !r.ok)).toMatchObject({
      ok: false,
      error: { code: 'conflict', reason: 'invoice_in_progress' },
    });
    const open = [a, b].find((r) => r.ok);
    if (!open?.ok) throw new Error('expected one attempt');
    expect(await create(inv, 600)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await k.ok('mgr', 'deskCancelTerminalJsPayment', { attemptId: open.value.attemptId });
    // Nothing was created for the refused ones: one intent for the one attempt.
    const made = (await intentsOf(inv)).filter((p) => !before.some((q) => q.id === p.id));
    expect(made.map((p) => p.metadata['desk_payment_id'])).toEqual([open.value.attemptId]);

    // A station set to the server-driven reader does not create Terminal JS payments.
    new SettingsService(createConfStore(k.dir), {}).update({ terminalDriver: 'server' });
    try {
      expect(await create(inv, 600)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(k.kiosk.appInfo().terminalDriver).toBe('server');
    } finally {
      new SettingsService(createConfStore(k.dir), {}).update({ terminalDriver: 'js' });
    }
    expect(k.kiosk.appInfo().terminalDriver).toBe('js');
    // Nobody signed in at the desk: refused before anything is sent.
    expect(
      await k.call('nobody', 'deskCreateTerminalJsPayment', {
        invoiceId: inv.id,
        customerId: inv.customer as string,
        amount: 600,
        readerId,
      }),
    ).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('remembers the station’s Terminal JS reader', async () => {
    expect(await k.ok('mgr', 'deskTerminalJsReader', {})).toEqual({ chosenReaderId: null });
    await k.ok('mgr', 'deskChooseTerminalJsReader', { readerId: 'tmr_counter_js' });
    expect(await k.ok('mgr', 'deskTerminalJsReader', {})).toEqual({ chosenReaderId: 'tmr_counter_js' });
  });

  it('a restart after the reader approved: the attempt is settled from its intent (captured once) before a new one for the invoice', async () => {
    const inv = await openInvoice(4);
    const created = await k.ok('mgr', 'deskCreateTerminalJsPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: 900,
      readerId,
    });
    expect((await readerProcesses(created.clientSecret)).status).toBe('requires_capture');
    // The window never captured: the station restarted.
    await k.restart();
    await k.ok('mgr2', 'deskSignIn', { name: 'Jo Manager', pin: '1357' });
    expect(await k.ok('mgr2', 'deskCardPayment', { paymentId: created.attemptId })).toMatchObject({ status: 'unknown' });
    // A new payment for the invoice first settles the one left: it was approved, so it is captured once.
    const next = await k.call('mgr2', 'deskCreateTerminalJsPayment', {
      invoiceId: inv.id,
      customerId: inv.customer as string,
      amount: 900,
      readerId,
    });
    expect(next.ok).toBe(true);
    const left = await k.ok('mgr2', 'deskCardPayment', { paymentId: created.attemptId });
    expect(left).toMatchObject({ status: 'succeeded', invoiceAttached: true, amount: 900 });
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining - 900);
    // Retry on it now answers with the record (the server-driven flow's Retry entry works for it too).
    expect(await k.call('mgr2', 'deskRetryCardPayment', { paymentId: created.attemptId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    if (next.ok) await k.ok('mgr2', 'deskCancelTerminalJsPayment', { attemptId: next.value.attemptId });

    // Retry (the desk's entry for a lost answer) on an attempt the restart left mid-collect: nothing was read, so it is closed.
    const collecting = await k.ok('mgr2', 'deskCreateTerminalJsPayment', {
      invoiceId: null,
      customerId: inv.customer as string,
      amount: 450,
      readerId,
    });
    await k.restart();
    await k.ok('mgr3', 'deskSignIn', { name: 'Jo Manager', pin: '1357' });
    const retried = await k.ok('mgr3', 'deskRetryCardPayment', { paymentId: collecting.attemptId });
    expect(retried).toMatchObject({ status: 'failed', code: 'not_completed', paymentId: collecting.attemptId });
    expect((await k.stripe.paymentIntents.retrieve(collecting.clientSecret.split('_secret_')[0]!)).status).toBe('canceled');

    const { entries } = await k.ok('mgr3', 'deskAudit', { limit: 500 });
    const forIt = entries.filter((e) => e.subjectId === created.attemptId || e.detail?.includes(created.attemptId));
    expect(forIt.map((e) => e.action)).toEqual(expect.arrayContaining(['card.started', 'card.retried', 'card.succeeded']));
    expect(entries.find((e) => e.action === 'card.succeeded' && e.detail?.includes(created.attemptId))).toMatchObject({
      staffId,
      amount: 900,
      currency: 'usd',
    });
  });
});

describe('an attempt left open (the window went away mid-collect)', () => {
  it('holds its invoice until it is stale, then is closed (intent canceled) before the next one', async () => {
    // The service itself on the station's database and "Stripe", with a clock the test moves.
    let now = Date.now();
    const clock = { now: () => now };
    const port = Number(new URL(k.kiosk.sandboxUrl!).port);
    const gateway = new TerminalGateway({
      secretKey: TEST_SECRET_KEY,
      endpoint: { host: '127.0.0.1', port, protocol: 'http' },
      clock,
      maxNetworkRetries: 0,
    });
    const db = k.kiosk.db;
    const payments = new CardPresentJsPayments({
      terminal: new TerminalService({ gateway, clock }),
      ledger: new DeskLedger(new PaymentLedger(db, clock)),
      claims: new InvoiceClaims(),
      audit: new AuditLog({ db, clock, stationId: () => 'station-1', staffName: () => null }),
      localStore: new LocalStore(db, clock),
      clock,
      log: silentLogger,
      stationId: () => 'station-1',
      staleAfterMs: 60_000,
      invoice: async (id) => {
        const i = await k.stripe.invoices.retrieve(id);
        return {
          id: i.id,
          number: i.number,
          customerId: i.customer as string,
          status: 'open',
          currency: i.currency,
          total: i.total,
          amountDue: i.amount_due,
          amountPaid: i.amount_paid,
          amountRemaining: i.amount_remaining,
          issuedAt: i.created,
          dueAt: i.due_date,
        };
      },
    });
    const inv = await openInvoice(5);
    const input = { invoiceId: inv.id, customerId: inv.customer as string, amount: 300, readerId };
    const first = await payments.create(input, staffId);
    now += 59_000;
    await expect(payments.create(input, staffId)).rejects.toMatchObject({ code: 'conflict' });
    now += 1_000;
    const second = await payments.create(input, staffId);
    expect(second.attemptId).not.toBe(first.attemptId);
    expect(new DeskLedger(new PaymentLedger(db, clock)).get(first.attemptId)).toMatchObject({ status: 'failed', code: 'not_completed' });
    expect((await k.stripe.paymentIntents.retrieve(first.clientSecret.split('_secret_')[0]!)).status).toBe('canceled');
    await payments.cancel(second.attemptId, staffId);
  });
});
