/**
 * E-mailed receipts: a real SMTP server on 127.0.0.1 (smtp-server) receives what the station sends
 * through nodemailer; the whole main process (training mode, sandbox, SQLite) runs behind the
 * dispatcher as the renderer calls it. Also: how each mail-server problem reads, the training mail
 * drop, and that the SMTP password never reaches the renderer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/main/services/logger';
import { maskEmail } from '../../electron/main/services/receipts/email-text';
import { smtpMailPort, trainingMailDrop, TRAINING_MAIL_DIR } from '../../electron/main/services/receipts/smtp-mailer';
import type { ReceiptEmail } from '../../electron/main/services/receipts/receipts-service';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import type { EntryName, RequestOf, ResponseOf } from '../../electron/shared/contract';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { tempDir } from '../helpers/temp-dir';

const USER = 'front-desk';
const PASSWORD = 'Sm7p-PassW0rd-never-in-the-window';
const FROM = 'receipts@riverside.example';

interface Smtp {
  port: number;
  messages: { envelopeTo: string[]; mail: ParsedMail }[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback: PLAIN/LOGIN auth with USER/PASSWORD, refuses nobody@…, keeps every message. */
async function startSmtp(port = 0, messages: Smtp['messages'] = []): Promise<Smtp> {
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, done) {
      if (auth.username === USER && auth.password === PASSWORD) done(null, { user: USER });
      else done(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, done) {
      if (address.address.startsWith('nobody@')) done(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      else done();
    },
    onData(stream, session, done) {
      simpleParser(stream).then(
        (mail) => {
          messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          done();
        },
        (err: Error) => done(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as { port: number }).port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const pdfOf = (mail: ParsedMail) => mail.attachments.find((a) => a.contentType === 'application/pdf');

describe('the SMTP mailer against a real listener', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const message = (to: string): ReceiptEmail => ({
    to,
    subject: 'Payment receipt — Riverside Billing Co.',
    text: 'Riverside Billing Co.\nAmount: $1.00\n',
    pdf: Buffer.from('%PDF-1.3\n% a tiny stand-in\n%%EOF\n'),
    filename: 'receipt-pi_123.pdf',
  });
  const port = (smtp: { host?: string; port: number; user?: string; password?: string }, timeoutMs?: number) =>
    smtpMailPort({
      smtp: {
        host: smtp.host ?? '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: FROM,
        ...(smtp.user ? { user: smtp.user } : {}),
        ...(smtp.password ? { password: smtp.password } : {}),
      },
      fromName: () => 'Riverside Billing Co.',
      log: silentLogger,
      ...(timeoutMs ? { timeoutMs } : {}),
    });

  it('sends the PDF as an attachment with the plain-text body, signed in with the user and password', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    expect(await port({ port: smtp.port, user: USER, password: PASSWORD })(message('jordan@example.com'))).toEqual({ ok: true });
    const [got] = smtp.messages;
    expect(got!.envelopeTo).toEqual(['jordan@example.com']);
    expect(got!.mail.from?.value[0]).toMatchObject({ address: FROM, name: 'Riverside Billing Co.' });
    expect(got!.mail.text).toContain('Amount: $1.00');
    expect(pdfOf(got!.mail)).toMatchObject({ filename: 'receipt-pi_123.pdf' });
    expect(pdfOf(got!.mail)!.content.subarray(0, 4).toString()).toBe('%PDF');
  });

  it('a wrong password: "did not accept … user name or password", and the password is not in the answer', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    const wrong = `${PASSWORD}-wrong`;
    const answer = await port({ port: smtp.port, user: USER, password: wrong })(message('jordan@example.com'));
    expect(answer).toEqual({
      ok: false,
      code: 'email_failed',
      message: 'The mail server did not accept this station\u2019s user name or password.',
    });
    expect(JSON.stringify(answer)).not.toContain(wrong);
    expect(smtp.messages).toHaveLength(0);
  });

  it('a recipient the server refuses: names the address', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    const answer = await port({ port: smtp.port, user: USER, password: PASSWORD })(message('nobody@example.com'));
    expect(answer).toEqual({ ok: false, code: 'email_failed', message: 'The mail server refused the address nobody@example.com.' });
    expect(smtp.messages).toHaveLength(0);
  });

  it('nothing listening: "refused the connection"', async () => {
    const smtp = await startSmtp();
    await smtp.close();
    const answer = await port({ port: smtp.port })(message('jordan@example.com'));
    expect(answer).toEqual({
      ok: false,
      code: 'email_failed',
      message: `The mail server (127.0.0.1:${smtp.port}) refused the connection.`,
    });
  });

  it('a server that never answers: "did not answer in time" (the send is given up, never left hanging)', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))));
    const silentPort = (silent.address() as { port: number }).port;
    const answer = await port({ port: silentPort }, 300)(message('jordan@example.com'));
    expect(answer).toEqual({
      ok: false,
      code: 'email_failed',
      message: `The mail server (127.0.0.1:${silentPort}) did not answer in time.`,
    });
  });

  it('training mail drop: the same message saved as an .eml file, nothing sent', async () => {
    const t = tempDir('mail-drop-');
    cleanups.push(t.cleanup);
    const drop = trainingMailDrop({
      dataDir: t.dir,
      clock: { now: () => Date.UTC(2025, 4, 2, 14, 30) },
      fromName: () => 'Riverside Billing Co.',
      log: silentLogger,
    });
    const answer = await drop(message('jordan@example.com'));
    const files = readdirSync(join(t.dir, TRAINING_MAIL_DIR));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^2025-05-02T14-30-00-000Z-[0-9a-f]{8}\.eml$/);
    expect(answer).toEqual({
      ok: true,
      message: `Training mode: the email was not sent. It was saved as training-mail/${files[0]} in the station\u2019s data folder.`,
    });
    const mail = await simpleParser(readFileSync(join(t.dir, TRAINING_MAIL_DIR, files[0]!)));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : null).toBe('jordan@example.com');
    expect(mail.subject).toBe('Payment receipt — Riverside Billing Co.');
    expect(pdfOf(mail)!.content.subarray(0, 4).toString()).toBe('%PDF');
  });
});

describe('Email receipt at the desk, through the dispatcher', () => {
  let k: TestKiosk;
  let smtp: Smtp;
  let dir: { dir: string; cleanup: () => void };
  /** Every answer the renderer got in this block, to look for the password in. */
  const answers: unknown[] = [];
  const ok = async <K extends EntryName>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>> => {
    const r = await k.call('mgr', name, request);
    answers.push(r);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    dir = tempDir('kiosk-mail-');
    new SettingsService(createConfStore(dir.dir)).update({
      businessName: 'Riverside Billing Co.',
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: USER, password: PASSWORD, from: FROM },
    });
    k = await startTestKiosk({ dir: dir.dir });
    await k.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' });
    await k.kiosk.sync.runOnce();
  });
  afterAll(async () => {
    await k.stop();
    await smtp.close();
    dir.cleanup();
  });

  const customerByName = async (name: string) => (await k.stripe.customers.list({ limit: 100 })).data.find((c) => c.name === name)!;
  const openInvoiceOf = async (customerId: string) =>
    (await k.stripe.invoices.list({ limit: 100, customer: customerId, status: 'open' })).data.find((i) => i.amount_remaining > 1000)!;
  const cash = async (customerName: string, amount: number) => {
    const customer = await customerByName(customerName);
    const inv = await openInvoiceOf(customer.id);
    const r = await k.ok('mgr', 'deskRecordCash', { invoiceId: inv.id, amount });
    expect(r.status).toBe('sent');
    return { paymentId: r.paymentId, customer, invoice: inv };
  };

  it('sends the receipt to the customer’s address on file: PDF attached, TRAINING marked, audited with the address masked', async () => {
    const { paymentId, customer, invoice } = await cash('Maria Garcia', 300);
    const before = smtp.messages.length;
    expect(await ok('deskEmailReceipt', { paymentId })).toEqual({ sent: true, message: null });
    expect(smtp.messages).toHaveLength(before + 1);
    const { envelopeTo, mail } = smtp.messages.at(-1)!;
    expect(envelopeTo).toEqual([customer.email]);
    expect(mail.subject).toBe('[TRAINING — NOT A REAL PAYMENT] Payment receipt — Riverside Billing Co.');
    expect(mail.from?.value[0]).toMatchObject({ address: FROM, name: 'Riverside Billing Co.' });
    expect(mail.text).toMatch(/^TRAINING — NOT A REAL PAYMENT/);
    expect(mail.text).toContain('Riverside Billing Co.');
    expect(mail.text).toContain('Amount: $3.00');
    expect(mail.text).toContain(`Invoice: ${invoice.number}`);
    expect(mail.text).toMatch(/Confirmation: \S+/);
    const pdf = pdfOf(mail)!;
    expect(pdf.filename).toMatch(/^receipt-[A-Za-z0-9_-]+\.pdf$/);
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');

    const audit = await ok('deskAudit', { limit: 50 });
    const entry = audit.entries.find((e) => e.action === 'receipt.emailed' && e.subjectId === paymentId)!;
    expect(entry.staffName).toBe('Mia Manager');
    expect(JSON.parse(entry.detail!)).toEqual({ to: maskEmail(customer.email!), customerId: customer.id });
    expect(entry.detail).not.toContain(customer.email!);
  });

  it('from the payment history: a card payment named by its PaymentIntent id', async () => {
    const customer = await customerByName('James Wilson');
    const inv = await openInvoiceOf(customer.id);
    const { chosenReaderId } = await k.ok('mgr', 'deskReaders', {});
    const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: inv.id, customerId: customer.id, amount: 1250 });
    await k.ok('mgr', 'deskPresentTestCard', { readerId: chosenReaderId!, card: 'visa' });
    let card = started;
    for (let i = 0; i < 300 && card.status !== 'succeeded' && card.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      card = await k.ok('mgr', 'deskCardPayment', { paymentId: started.paymentId });
    }
    expect(card.status).toBe('succeeded');
    expect(await ok('deskEmailReceipt', { paymentId: card.paymentIntentId! })).toEqual({ sent: true, message: null });
    const { envelopeTo, mail } = smtp.messages.at(-1)!;
    expect(envelopeTo).toEqual([customer.email]);
    expect(mail.text).toContain('Amount: $12.50');
    expect(mail.text).toContain(`Confirmation: ${card.paymentIntentId}`);

    // A payment in the history that was not taken at the desk (here: seeded as paid online): its receipt is built from Stripe.
    const maria = await customerByName('Maria Garcia');
    const online = (await k.ok('mgr', 'deskCustomer', { customerId: maria.id })).payments.find((p) => p.id.startsWith('pi_'))!;
    expect(await ok('deskEmailReceipt', { paymentId: online.id })).toEqual({ sent: true, message: null });
    const last = smtp.messages.at(-1)!;
    expect(last.envelopeTo).toEqual([maria.email]);
    expect(last.mail.text).toContain(`Confirmation: ${online.id}`);
    expect(last.mail.text).toContain('Amount: $100.00');
  });

  it('mail server down: a clear message, nothing queued or changed, and it goes through once the server is back', async () => {
    const { paymentId } = await cash('Maria Garcia', 200);
    const queueBefore = (await k.ok('mgr', 'deskQueue', {})).items.length;
    const received = smtp.messages.length;
    await smtp.close();
    const answer = await ok('deskEmailReceipt', { paymentId });
    expect(answer.sent).toBe(false);
    expect(answer.message).toBe(
      `The mail server (127.0.0.1:${smtp.port}) refused the connection. The payment is not affected; you can email the receipt again later from the customer\u2019s payments.`,
    );
    // Nothing lost: no queue item, the receipt still prints as a PDF, the failure is in the audit log.
    expect((await k.ok('mgr', 'deskQueue', {})).items).toHaveLength(queueBefore);
    const pdf = await k.ok('mgr', 'deskReceiptPdf', { paymentId });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 4).toString()).toBe('%PDF');
    const audit = (await k.ok('mgr', 'deskAudit', { limit: 50 })).entries;
    expect(audit.find((e) => e.action === 'receipt.email_failed' && e.subjectId === paymentId)?.detail).toContain('refused the connection');

    smtp = await startSmtp(smtp.port, smtp.messages);
    expect(await ok('deskEmailReceipt', { paymentId })).toEqual({ sent: true, message: null });
    expect(smtp.messages).toHaveLength(received + 1);
    expect(smtp.messages.at(-1)!.mail.text).toContain('Amount: $2.00');
  });

  it('a customer without an email address, or with one that is not valid: refused with a clear message, nothing sent', async () => {
    const { paymentId, customer } = await cash('Aiko Tanaka', 100);
    const received = smtp.messages.length;

    await k.stripe.customers.update(customer.id, { email: 'aiko..tanaka@example.com' });
    await k.kiosk.sync.runOnce();
    expect(await ok('deskEmailReceipt', { paymentId })).toEqual({
      sent: false,
      message:
        'The email address on file (aiko..tanaka@example.com) is not valid. Correct it in the customer\u2019s record, then try again.',
    });

    await k.stripe.customers.update(customer.id, { email: '' });
    await k.kiosk.sync.runOnce();
    expect((await k.ok('mgr', 'deskCustomer', { customerId: customer.id })).customer.email).toBeNull();
    expect(await ok('deskEmailReceipt', { paymentId })).toEqual({ sent: false, message: 'This customer has no email address on file.' });
    expect(smtp.messages).toHaveLength(received);
    expect(await k.call('mgr', 'deskEmailReceipt', { paymentId: 'dp_doesnotexist' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('the kiosk: "Email my receipt" sends this session\u2019s own payment to the address on file, answered masked; nobody else\u2019s', async () => {
    await k.signIn('kiosk', 0);
    const inv = (await k.ok('kiosk', 'listInvoices', {})).invoices.find((i) => i.amountRemaining > 500)!;
    const { attemptId } = await k.ok('kiosk', 'startPayment', { invoiceId: inv.id });
    const visa = (await k.ok('kiosk', 'listMethods', {})).methods.find((m) => m.type === 'card')!;
    expect(
      (
        await k.ok('kiosk', 'paySaved', {
          attemptId,
          amount: 260,
          nameOnAccount: 'Maria Garcia',
          postalCode: '78704',
          paymentMethodId: visa.id,
        })
      ).status,
    ).toBe('succeeded');
    const maria = await customerByName('Maria Garcia');
    const before = smtp.messages.length;
    const answer = await k.ok('kiosk', 'kioskEmailReceipt', { attemptId });
    answers.push(answer);
    expect(answer).toEqual({ sent: true, message: null, to: maskEmail(maria.email!) });
    expect(answer.to).not.toBe(maria.email);
    expect(smtp.messages).toHaveLength(before + 1);
    const { envelopeTo, mail } = smtp.messages.at(-1)!;
    expect(envelopeTo).toEqual([maria.email]);
    expect(mail.text).toContain('Amount: $2.60');
    expect(pdfOf(mail)!.content.subarray(0, 5).toString()).toBe('%PDF-');
    // Another customer's session, and staff, cannot send it.
    await k.signIn('other', 1);
    expect(await k.call('other', 'kioskEmailReceipt', { attemptId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await k.call('mgr', 'kioskEmailReceipt', { attemptId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(smtp.messages).toHaveLength(before + 1);
  });

  it('the renderer never receives the SMTP password', async () => {
    // The password is really there for main: stored in the settings file, used to sign in above.
    expect(readFileSync(join(dir.dir, 'settings.json'), 'utf8')).toContain(PASSWORD);
    expect(smtp.messages.length).toBeGreaterThan(0);
    const maria = await customerByName('Maria Garcia');
    const info = await k.call('mgr', 'appInfo', {});
    expect(info).toMatchObject({ ok: true, value: { emailReceipts: true } });
    answers.push(info);
    answers.push(await k.call('mgr', 'connectivity', {}));
    answers.push(await k.call('mgr', 'deskSearch', { query: 'Maria' }));
    answers.push(await k.call('mgr', 'deskCustomer', { customerId: maria.id }));
    answers.push(await k.call('mgr', 'deskQueue', {}));
    answers.push(await k.call('mgr', 'deskAudit', { limit: 500 }));
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(PASSWORD);
  });
});

describe('whether the desk offers Email receipt (app info)', () => {
  it('training mode without a mail server: yes (the mail drop); live mode without one: no', async () => {
    const training = await startTestKiosk();
    try {
      expect(await training.ok('x', 'appInfo', {})).toMatchObject({ trainingMode: true, emailReceipts: true });
      // A second station in live mode (a test key against the first one's sandbox), no smtp set.
      const live = await startTestKiosk({ stripe: training.kiosk.sandboxUrl! });
      try {
        expect(await live.ok('x', 'appInfo', {})).toMatchObject({ trainingMode: false, emailReceipts: false });
      } finally {
        await live.stop();
      }
    } finally {
      await training.stop();
    }
  });
});
