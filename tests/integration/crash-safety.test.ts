/**
 * Crash safety with a real child process killed by SIGKILL at chosen points, the real SQLite files,
 * and the real SDK against the sandbox. After every crash and restart: exactly one PaymentIntent for
 * the queued charge, the queue in the right state, and PRAGMA integrity_check ok.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { tempDir } from '../helpers/temp-dir';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(ROOT, 'tests', 'helpers', 'crash-child.ts');

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => sb.stop());

/** Runs the child asynchronously: the sandbox lives in this process and must keep answering. */
function child(
  dataDir: string,
  args: string[],
  crashAt?: string,
): Promise<{ signal: NodeJS.Signals | null; status: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args, '--data-dir', dataDir, '--sandbox-port', String(sb.port)], {
      cwd: ROOT,
      env: { ...process.env, KIOSK_CRASH_AT: crashAt ?? '' },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => p.kill('SIGTERM'), 60_000);
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ signal, status, out: out.trim().split('\n').at(-1) ?? '', err });
    });
  });
}

async function seed() {
  const customer = await sb.stripe.customers.create({
    name: 'Crash Test',
    email: `crash-${Date.now()}@example.com`,
    address: { postal_code: '78704', country: 'US', line1: '1 Main' },
  });
  const pm = await sb.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  const draft = await sb.stripe.invoices.create({
    customer: customer.id,
    collection_method: 'send_invoice',
    days_until_due: 30,
    pending_invoice_items_behavior: 'exclude',
  });
  await sb.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 5000, currency: 'usd', description: 'Water' });
  const invoice = await sb.stripe.invoices.finalizeInvoice(draft.id);
  return { customer: customer.id, invoice: invoice.id, method: pm.id };
}

function integrityOk(dataDir: string) {
  const db = new Database(join(dataDir, 'kiosk.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

const POINTS = [
  'outbox:before-send',
  'payments:after-step-begun',
  'payments:after-register',
  'payments:after-confirm',
  'outbox:after-send',
  'outbox:mid-transaction',
];

describe('crash safety of a queued saved-method charge', () => {
  it.each(POINTS)('killed at %s: after restart exactly one payment, queue done, database intact', async (point) => {
    const t = tempDir('kiosk-crash-');
    try {
      const s = await seed();
      const queued = await child(t.dir, [
        'queue',
        '--customer',
        s.customer,
        '--invoice',
        s.invoice,
        '--method',
        s.method,
        '--amount',
        '1234',
      ]);
      expect(queued.status, queued.err).toBe(0);
      const { attemptId, outcome } = JSON.parse(queued.out) as { attemptId: string; outcome: { status: string } };
      expect(outcome.status).toBe('queued');

      const crashed = await child(t.dir, ['drain'], point);
      expect(crashed.signal, `${point} did not crash: ${crashed.err}`).toBe('SIGKILL');
      expect(integrityOk(t.dir)).toBe('ok');

      const after = await child(t.dir, ['drain']);
      expect(after.status, after.err).toBe(0);
      const { items } = JSON.parse(after.out) as { items: { state: string; kind: string }[] };
      expect(items).toHaveLength(1);
      expect(items[0]!.state).toBe('succeeded');

      const intents = (await sb.stripe.paymentIntents.list({ customer: s.customer, limit: 100 })).data.filter(
        (p) => p.metadata?.['payment_id'] === attemptId,
      );
      expect(intents).toHaveLength(1);
      expect(intents[0]!.status).toBe('succeeded');
      expect(intents[0]!.amount).toBe(1234);
      expect((await sb.stripe.charges.list({ payment_intent: intents[0]!.id })).data).toHaveLength(1);
      expect((await sb.stripe.invoices.retrieve(s.invoice)).amount_paid).toBe(1234);
      expect(integrityOk(t.dir)).toBe('ok');
    } finally {
      t.cleanup();
    }
  });

  it('killed right after the item was queued (key stored, nothing sent): the item survives and is sent once', async () => {
    const t = tempDir('kiosk-crash-');
    try {
      const s = await seed();
      const crashed = await child(
        t.dir,
        ['queue', '--customer', s.customer, '--invoice', s.invoice, '--method', s.method, '--amount', '700'],
        'outbox:after-enqueue',
      );
      expect(crashed.signal, JSON.stringify(crashed)).toBe('SIGKILL');
      await fetch(`${sb.url}/__sandbox/outage`, { method: 'POST', body: new URLSearchParams({ mode: 'off' }) });
      expect(integrityOk(t.dir)).toBe('ok');
      const after = await child(t.dir, ['drain']);
      expect(after.status, after.err).toBe(0);
      const { items } = JSON.parse(after.out) as { items: { state: string }[] };
      expect(items.map((i) => i.state)).toEqual(['succeeded']);
      const intents = (await sb.stripe.paymentIntents.list({ customer: s.customer, limit: 100 })).data;
      expect(intents.filter((p) => p.status === 'succeeded')).toHaveLength(1);
      expect((await sb.stripe.invoices.retrieve(s.invoice)).amount_paid).toBe(700);
    } finally {
      t.cleanup();
    }
  });
});
