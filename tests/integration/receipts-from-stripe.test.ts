/**
 * Reprint from payment history for payments this station has no record of: a kiosk payment, a
 * card-present payment, an ACH payment and cash/check records made at station A, printed at station B
 * (a second station sharing A's sandbox, so both talk to one "Stripe"), where the receipt is built
 * from Stripe's data. Both stations run the real composition behind the dispatcher; the receipt
 * printer is a TCP listener on loopback and the test reads back what it printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEEDS_STRIPE } from '../../electron/main/services/desk-payments/stripe-receipts';
import { formatDateTime } from '../../electron/main/services/receipts/receipt-model';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { printedLines, printedRows, startTestPrinter, type TestPrinter } from '../helpers/receipt-printer';
import { until } from '../helpers/until';

let a: TestKiosk;
let b: TestKiosk;
let printer: TestPrinter;

beforeAll(async () => {
  printer = await startTestPrinter();
  const receiptPrinter = { kind: 'network' as const, host: '127.0.0.1', port: printer.port };
  a = await startTestKiosk({ settings: { receiptPrinter } });
  await a.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' });
  await a.kiosk.sync.runOnce();
  b = await startTestKiosk({ stripe: a.kiosk.sandboxUrl!, settings: { stationId: 'station-2', receiptPrinter } });
  await b.ok('clerk', 'deskCreateFirstManager', { name: 'Bo Station', pin: '1357' });
});
afterAll(async () => {
  await a.admin('/__sandbox/outage', { mode: 'off' }).catch(() => undefined);
  await b?.stop();
  await a?.stop();
  await printer?.off();
});

const customerNamed = async (name: string) => (await a.stripe.customers.list({ limit: 100 })).data.find((c) => c.name === name)!;
const openInvoiceOf = async (customerId: string, atLeast = 2000) =>
  (await a.stripe.invoices.list({ limit: 100, customer: customerId, status: 'open' })).data.find((i) => i.amount_remaining >= atLeast)!;
/** The date line as the station (en-US, America/Chicago by default) prints it. */
const printedDate = (ms: number) => formatDateTime(ms, 'en-US', 'America/Chicago');

/** Station B's view of the customer's payment history (after it caught up with Stripe's events). */
async function historyAtB(customerId: string) {
  // A sync already running (B's own timer) may have started before the payment: the second one did not.
  await b.kiosk.sync.runOnce();
  await b.kiosk.sync.runOnce();
  return (await b.ok('clerk', 'deskCustomer', { customerId })).payments;
}

/** Reprints at station B; the printed job. */
async function reprintAtB(paymentId: string): Promise<Buffer> {
  const before = printer.jobs.length;
  expect(await b.ok('clerk', 'deskReprintReceipt', { paymentId })).toEqual({ printed: true, queued: false, message: null });
  await until(async () => printer.jobs.length > before);
  expect(printer.jobs).toHaveLength(before + 1);
  return printer.jobs.at(-1)!;
}

const reprintMark = (job: Buffer) => printedLines(job).find((l) => l[0]?.startsWith('REPRINT'))?.[0] ?? null;

async function takeCardAtA(customerId: string, invoiceId: string, amount: number): Promise<string> {
  const { chosenReaderId } = await a.ok('mgr', 'deskReaders', {});
  const started = await a.ok('mgr', 'deskTakeCardPayment', { invoiceId, customerId, amount });
  await a.ok('mgr', 'deskPresentTestCard', { readerId: chosenReaderId!, card: 'visa' });
  const done = await until(async () => {
    const p = await a.ok('mgr', 'deskCardPayment', { paymentId: started.paymentId });
    return ['succeeded', 'failed', 'canceled', 'unknown'].includes(p.status) ? p : null;
  });
  expect(done.status).toBe('succeeded');
  return done.paymentIntentId!;
}

describe('a payment taken at another station, reprinted from the payment history', () => {
  it('a kiosk payment by a signed-in customer on station A: amount, card, confirmation, invoice, "Kiosk", marked REPRINT; PDF too', async () => {
    await a.signIn('maria', 0);
    const inv = (await a.ok('maria', 'listInvoices', {})).invoices.find((i) => i.amountRemaining > 500)!;
    const { attemptId } = await a.ok('maria', 'startPayment', { invoiceId: inv.id });
    const visa = (await a.ok('maria', 'listMethods', {})).methods.find((m) => m.type === 'card')!;
    const paid = await a.ok('maria', 'paySaved', {
      attemptId,
      amount: 250,
      nameOnAccount: 'Maria Garcia',
      postalCode: '78704',
      paymentMethodId: visa.id,
    });
    if (paid.status !== 'succeeded') throw new Error(`the kiosk payment did not succeed: ${paid.status}`);
    const pi = await a.stripe.paymentIntents.retrieve(paid.confirmation, { expand: ['latest_charge'] });
    const charge = pi.latest_charge as Stripe.Charge;

    const history = await historyAtB(pi.customer as string);
    expect(history.find((p) => p.id === pi.id)).toMatchObject({ amount: 250, status: 'succeeded', invoiceNumber: inv.number });

    const job = await reprintAtB(pi.id);
    const rows = printedRows(job);
    expect(Object.fromEntries(rows)).toEqual({
      Date: printedDate(pi.created * 1000),
      'Served by': 'Kiosk',
      Station: 'station-1',
      Customer: 'Maria Garcia',
      Invoice: inv.number,
      Amount: '$2.50',
      'Paid with': 'Visa **** 4242',
      'Auth code': charge.payment_method_details!.card!.authorization_code,
      Status: 'Approved',
    });
    expect(printedLines(job)).toContainEqual([pi.id]);
    expect(reprintMark(job)).toMatch(/^REPRINT — \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M$/);
    // Station B is not in training mode: no training mark.
    expect(job.toString('latin1')).not.toContain('TRAINING');

    const pdf = Buffer.from((await b.ok('clerk', 'deskReceiptPdf', { paymentId: pi.id })).base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const audit = (await b.ok('clerk', 'deskAudit', { limit: 50 })).entries;
    expect(audit.find((e) => e.action === 'receipt.reprinted' && e.subjectId === pi.id)).toMatchObject({
      staffName: 'Bo Station',
      stationId: 'station-2',
    });
    expect(audit.find((e) => e.action === 'receipt.pdf' && e.subjectId === pi.id)).toBeTruthy();

    // At station A the kiosk's own attempt has the payment: its receipt prints from there, even offline.
    await a.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      expect(await a.ok('mgr', 'deskReprintReceipt', { paymentId: pi.id })).toMatchObject({ printed: true });
    } finally {
      await a.admin('/__sandbox/outage', { mode: 'off' });
    }
    const atA = printer.jobs.at(-1)!;
    expect(Object.fromEntries(printedRows(atA))).toMatchObject({
      'Served by': 'Kiosk',
      Station: 'station-1',
      Amount: '$2.50',
      Invoice: inv.number,
    });
    expect(printedLines(atA)).toContainEqual([pi.id]);
    expect(printedLines(atA).filter((l) => l[0] === 'TRAINING — NOT A REAL PAYMENT')).toHaveLength(2);
  });

  it('a card-present payment taken at station A’s desk: the EMV fields from the charge, the clerk named in its metadata', async () => {
    const james = await customerNamed('James Wilson');
    const inv = await openInvoiceOf(james.id);
    const piId = await takeCardAtA(james.id, inv.id, 1234);
    const pi = await a.stripe.paymentIntents.retrieve(piId, { expand: ['latest_charge'] });
    const cp = (pi.latest_charge as Stripe.Charge).payment_method_details!.card_present!;
    const emv = cp.receipt!;
    expect(emv.dedicated_file_name).toBeTruthy();

    expect((await historyAtB(james.id)).find((p) => p.id === piId)).toMatchObject({ amount: 1234, method: { type: 'card_present' } });
    const job = await reprintAtB(piId);
    expect(Object.fromEntries(printedRows(job))).toEqual({
      Date: printedDate(pi.created * 1000),
      // Station A's clerk is not one of station B's staff: the name comes from the intent's metadata (staff_name).
      'Served by': 'Mia Manager',
      Station: 'station-1',
      Customer: 'James Wilson',
      Invoice: inv.number,
      Amount: '$12.34',
      'Paid with': 'Visa **** 4242',
      'Entry mode': 'Contactless',
      'Auth code': emv.authorization_code,
      Status: 'Approved',
      Application: emv.application_preferred_name,
      AID: emv.dedicated_file_name!.toUpperCase(),
      Account: 'Credit',
      ARC: emv.authorization_response_code,
      AC: emv.application_cryptogram!.toUpperCase(),
      TVR: emv.terminal_verification_results!.toUpperCase(),
      TSI: emv.transaction_status_information!.toUpperCase(),
    });
    expect(pi.metadata).toMatchObject({ staff_name: 'Mia Manager', channel: 'desk' });
    expect(printedLines(job)).toContainEqual([piId]);
    expect(reprintMark(job)).toMatch(/^REPRINT — /);

    // At station A the same payment is in the desk's own record: its clerk by name, no Stripe needed.
    await a.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      expect(await a.ok('mgr', 'deskReprintReceipt', { paymentId: piId })).toMatchObject({ printed: true });
    } finally {
      await a.admin('/__sandbox/outage', { mode: 'off' });
    }
    const atA = printedRows(printer.jobs.at(-1)!);
    expect(atA.get('Served by')).toBe('Mia Manager');
    expect(atA.get('AID')).toBe(emv.dedicated_file_name!.toUpperCase());
  });

  it('a desk payment whose clerk this station does not know and Stripe does not name: "Front desk", never "Kiosk"', async () => {
    const maria = await customerNamed('Maria Garcia');
    const pi = await a.stripe.paymentIntents.create({
      amount: 640,
      currency: 'usd',
      customer: maria.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      allowed_payment_method_types: ['card'],
      metadata: { channel: 'desk', station_id: 'station-9', staff_id: 'staff_somewhereelse' },
    });
    expect(pi.status).toBe('succeeded');
    const rows = printedRows(await reprintAtB(pi.id));
    expect(rows.get('Served by')).toBe('Front desk');
    expect(rows.get('Station')).toBe('station-9');
    expect(rows.get('Amount')).toBe('$6.40');
    // No invoice in its metadata or on any invoice's payments: no invoice line.
    expect(rows.has('Invoice')).toBe(false);
  });

  it('an ACH payment: the bank and last 4, "Processing" until the debit settles, then "Approved"', async () => {
    await a.signIn('james', 1);
    const inv = (await a.ok('james', 'listInvoices', {})).invoices
      .filter((i) => i.amountRemaining > 900)
      .sort((x, y) => y.amountRemaining - x.amountRemaining)[0]!;
    const { attemptId } = await a.ok('james', 'startPayment', { invoiceId: inv.id });
    const account = (await a.ok('james', 'listMethods', {})).methods.find((m) => m.type === 'us_bank_account')!;
    const paid = await a.ok('james', 'paySaved', {
      attemptId,
      amount: 900,
      nameOnAccount: 'James Wilson',
      postalCode: '78741',
      paymentMethodId: account.id,
    });
    if (paid.status !== 'processing') throw new Error(`expected a processing bank payment, got ${paid.status}`);
    const piId = paid.confirmation;

    expect((await historyAtB(inv.customerId)).find((p) => p.id === piId)).toMatchObject({ status: 'processing' });
    const processing = await reprintAtB(piId);
    const rows = printedRows(processing);
    expect(rows.get('Paid with')).toBe(`${account.bankName} **** ${account.last4}`);
    expect(rows.get('Amount')).toBe('$9.00');
    expect(rows.get('Status')).toBe('Processing');
    expect(rows.get('Served by')).toBe('Kiosk');
    expect(rows.get('Invoice')).toBe(inv.number);
    expect(printedLines(processing).some((l) => l[0]?.startsWith('Bank payments usually take 4 business days'))).toBe(true);
    expect(printedLines(processing)).toContainEqual([piId]);

    await a.admin('/__sandbox/settle');
    expect(printedRows(await reprintAtB(piId)).get('Status')).toBe('Approved');
  });

  it('cash and check recorded at station A (payment records): the method, the clerk’s name from Stripe, when it was taken', async () => {
    const aiko = await customerNamed('Aiko Tanaka');
    const inv = await openInvoiceOf(aiko.id, 1200);
    const cash = await a.ok('mgr', 'deskRecordCash', { invoiceId: inv.id, amount: 700 });
    const check = await a.ok('mgr', 'deskRecordCheck', { invoiceId: inv.id, amount: 300, checkNumber: '2044' });
    expect([cash.status, check.status]).toEqual(['sent', 'sent']);
    const records = (await a.stripe.paymentRecords.list({ limit: 100 })).data;
    const cashRecord = records.find((r) => r.metadata?.['desk_payment_id'] === cash.paymentId)!;
    const checkRecord = records.find((r) => r.metadata?.['desk_payment_id'] === check.paymentId)!;
    expect(cashRecord.id).toMatch(/^pr_/);

    const cashJob = await reprintAtB(cashRecord.id);
    expect(Object.fromEntries(printedRows(cashJob))).toEqual({
      Date: printedDate(Number(cashRecord.metadata['taken_at'])),
      'Served by': 'Mia Manager',
      Station: 'station-1',
      Customer: 'Aiko Tanaka',
      Invoice: inv.number,
      Amount: '$7.00',
      'Paid with': 'Cash',
      Status: 'Approved',
    });
    expect(printedLines(cashJob)).toContainEqual([cashRecord.id]);
    expect(reprintMark(cashJob)).toMatch(/^REPRINT — /);

    const checkRows = printedRows(await reprintAtB(checkRecord.id));
    expect(checkRows.get('Paid with')).toBe('Check #2044');
    expect(checkRows.get('Amount')).toBe('$3.00');
  });

  it('a payment made online (demo data, at station A in training mode): "Online", "Kiosk", the invoice from its metadata, the training mark; Email receipt works', async () => {
    const maria = await customerNamed('Maria Garcia');
    const meter = (await a.stripe.invoices.list({ limit: 100, customer: maria.id })).data.find((i) => i.amount_due === 24000)!;
    const online = (await a.ok('mgr', 'deskCustomer', { customerId: maria.id })).payments.find((p) => p.amount === 10000)!;
    expect(online).toMatchObject({ status: 'succeeded', invoiceId: meter.id });
    const pi = await a.stripe.paymentIntents.retrieve(online.id);
    expect(pi.metadata['station_id']).toBeUndefined();

    const before = printer.jobs.length;
    // Print (not Reprint) still marks it: a receipt made after the fact is a copy.
    expect(await a.ok('mgr', 'deskPrintReceipt', { paymentId: online.id })).toEqual({ printed: true, queued: false, message: null });
    expect(printer.jobs).toHaveLength(before + 1);
    const job = printer.jobs.at(-1)!;
    const rows = printedRows(job);
    expect(rows.get('Station')).toBe('Online');
    expect(rows.get('Served by')).toBe('Kiosk');
    expect(rows.get('Invoice')).toBe(meter.number);
    expect(rows.get('Amount')).toBe('$100.00');
    expect(rows.get('Paid with')).toBe('Visa **** 4242');
    expect(printedLines(job)).toContainEqual(['REPRINT']);
    expect(printedLines(job).filter((l) => l[0] === 'TRAINING — NOT A REAL PAYMENT')).toHaveLength(2);

    // Training mode without a mail server: the e-mail is saved as an .eml in the data folder.
    const emailed = await a.ok('mgr', 'deskEmailReceipt', { paymentId: online.id });
    expect(emailed.sent).toBe(true);
    const file = /training-mail\/(\S+\.eml)/.exec(emailed.message ?? '')?.[1];
    expect(file).toBeTruthy();
    expect(readdirSync(join(a.dir, 'training-mail'))).toContain(file);
    const mail = await simpleParser(readFileSync(join(a.dir, 'training-mail', file!)));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : null).toBe(maria.email);
    expect(mail.text).toContain('Amount: $100.00');
    expect(mail.text).toContain(`Invoice: ${meter.number}`);
    expect(mail.text).toContain(`Confirmation: ${online.id}`);
    expect(
      mail.attachments
        .find((x) => x.contentType === 'application/pdf')
        ?.content.subarray(0, 4)
        .toString(),
    ).toBe('%PDF');
  });
});

describe('what cannot be a receipt', () => {
  it('an intent that failed or was canceled is refused with a clear message, and nothing prints', async () => {
    const maria = await customerNamed('Maria Garcia');
    const declined = await a.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: maria.id,
      allowed_payment_method_types: ['card'],
    });
    await expect(a.stripe.paymentIntents.confirm(declined.id, { payment_method: 'pm_card_visa_chargeDeclined' })).rejects.toMatchObject({
      type: 'StripeCardError',
    });
    const canceled = await a.stripe.paymentIntents.create({
      amount: 800,
      currency: 'usd',
      customer: maria.id,
      allowed_payment_method_types: ['card'],
    });
    await a.stripe.paymentIntents.cancel(canceled.id);
    expect((await historyAtB(maria.id)).find((p) => p.id === declined.id)).toMatchObject({ status: 'failed' });

    const printed = printer.jobs.length;
    const failedAnswer = {
      ok: false,
      error: { code: 'conflict', reason: 'receipt_payment_failed', message: 'receipt_payment_failed' },
    };
    expect(await b.call('clerk', 'deskReprintReceipt', { paymentId: declined.id })).toEqual(failedAnswer);
    expect(await b.call('clerk', 'deskReceiptPdf', { paymentId: declined.id })).toEqual(failedAnswer);
    expect(await b.call('clerk', 'deskEmailReceipt', { paymentId: declined.id })).toEqual(failedAnswer);
    expect(await b.call('clerk', 'deskPrintReceipt', { paymentId: canceled.id })).toEqual({
      ok: false,
      error: { code: 'conflict', reason: 'receipt_payment_canceled', message: 'receipt_payment_canceled' },
    });
    expect(await b.call('clerk', 'deskReprintReceipt', { paymentId: 'pi_doesnotexist' })).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'payment_not_found', message: 'payment_not_found' },
    });
    expect(await b.call('clerk', 'deskReprintReceipt', { paymentId: 'pr_doesnotexist' })).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'payment_not_found', message: 'payment_not_found' },
    });
    expect(printer.jobs).toHaveLength(printed);
  });

  it('offline: a payment from elsewhere needs Stripe and says so; this station’s own payments still print', async () => {
    const maria = await customerNamed('Maria Garcia');
    const remote = (await historyAtB(maria.id)).find((p) => p.status === 'succeeded')!;
    const inv = await openInvoiceOf(maria.id, 500);
    await a.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      const printed = printer.jobs.length;
      const offline = { ok: false, error: { code: 'stripe_unavailable', reason: 'receipt_needs_connection', message: NEEDS_STRIPE } };
      expect(NEEDS_STRIPE).toMatch(/needs the connection to Stripe\. Try again when the station is online\.$/);
      expect(await b.call('clerk', 'deskReprintReceipt', { paymentId: remote.id })).toEqual(offline);
      expect(await b.call('clerk', 'deskReceiptPdf', { paymentId: remote.id })).toEqual(offline);
      expect(printer.jobs).toHaveLength(printed);

      // Cash taken at station B while offline waits in the queue; its receipt comes from B's own record.
      const cash = await b.ok('clerk', 'deskRecordCash', { invoiceId: inv.id, amount: 150 });
      expect(cash.status).toBe('queued');
      const rows = printedRows(await reprintAtB(cash.paymentId));
      expect(rows.get('Status')).toBe('Queued');
      expect(rows.get('Served by')).toBe('Bo Station');
      expect(rows.get('Station')).toBe('station-2');
    } finally {
      await a.admin('/__sandbox/outage', { mode: 'off' });
    }
  });

  it('printer off: a receipt built from Stripe waits in the queue with its content, and prints later without Stripe', async () => {
    const maria = await customerNamed('Maria Garcia');
    const remote = (await historyAtB(maria.id)).find((p) => p.status === 'succeeded' && p.method.type === 'card')!;
    // What the last test left waiting (its cash) goes now, while Stripe answers.
    await b.kiosk.outbox.drain();
    await printer.off();
    const answer = await b.ok('clerk', 'deskReprintReceipt', { paymentId: remote.id });
    expect(answer).toMatchObject({ printed: false, queued: true });
    const item = (await b.ok('clerk', 'deskQueue', {})).items.find((i) => i.kind === 'receipt_print' && i.state !== 'succeeded')!;
    expect(item).toBeTruthy();

    await a.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      await printer.on();
      const printed = printer.jobs.length;
      await until(async () => {
        await b.kiosk.outbox.drain();
        return (await b.ok('clerk', 'deskQueue', {})).items.find((i) => i.id === item.id)?.state === 'succeeded';
      });
      expect(printer.jobs).toHaveLength(printed + 1);
      const job = printer.jobs.at(-1)!;
      expect(printedLines(job)).toContainEqual([remote.id]);
      expect(printedRows(job).get('Customer')).toBe('Maria Garcia');
      expect(reprintMark(job)).toMatch(/^REPRINT — /);
    } finally {
      await a.admin('/__sandbox/outage', { mode: 'off' });
    }
  });
});
