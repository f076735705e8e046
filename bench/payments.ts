/**
 * Cost per kiosk payment (saved card, the Continue path) against the sandbox, next to its floor
 * measured in the same run: the same Stripe calls made with the bare SDK, plus the durable SQLite
 * commits exactly-once needs (3: the attempt row, the step's idempotency key before the request,
 * the result after it) on a WAL + synchronous=FULL file. Rounds alternate between the two so drift
 * on the machine hits both alike.
 *
 *   npx tsx bench/payments.ts [--payments 150]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { contract } from '../electron/shared/contract';
import { startKiosk } from '../electron/main/composition';
import { openDatabase } from '../electron/main/db/connection';
import { silentLogger } from '../electron/main/services/logger';
import { createConfStore } from '../electron/main/services/settings/conf-store';
import { SettingsService } from '../electron/main/services/settings/settings-service';
import { StripeSandbox } from '../packages/stripe-sandbox/src';
import { tempDir } from '../tests/helpers/temp-dir';
import { ms, summarize } from './stats';

const KEY = 'sk_test_benchmark000000';
export const EXACTLY_ONCE_COMMITS = 3;

export async function benchPayments(opts: { payments?: number } = {}): Promise<{ app: number; floor: number; ratio: number }> {
  const n = opts.payments ?? 150;
  const t = tempDir('kiosk-bench-');
  const sandbox = new StripeSandbox({ dbPath: join(t.dir, 'sandbox.db') });
  const { port } = await sandbox.start(0);
  const sdk = new Stripe(KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  try {
    // One customer with a saved card and an invoice big enough for every payment of the run.
    const customer = await sdk.customers.create({
      name: 'Bench Customer',
      email: 'bench@example.com',
      address: { line1: '1 Main', postal_code: '78704', country: 'US' },
    });
    const pm = await sdk.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const draft = await sdk.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 30,
      pending_invoice_items_behavior: 'exclude',
    });
    await sdk.invoiceItems.create({ customer: customer.id, invoice: draft.id, currency: 'usd', amount: 5_000_000, description: 'Bench' });
    const invoice = await sdk.invoices.finalizeInvoice(draft.id);

    const kiosk = await startKiosk({
      dataDir: join(t.dir, 'app'),
      resourcesDir: new URL('../resources', import.meta.url).pathname,
      settings: new SettingsService(createConfStore(join(t.dir, 'app')), { STRIPE_SECRET_KEY: KEY }),
      log: silentLogger,
      version: 'bench',
      stripeEndpoint: { host: '127.0.0.1', port, protocol: 'http' },
    });
    kiosk.sessions.signInCustomer('bench', customer.id);
    const call = async (name: keyof typeof contract, req: unknown) => {
      const r = await kiosk.dispatcher.dispatch('bench', contract[name].channel, req);
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
      return r.value as { attemptId: string; status: string };
    };

    // The floor: the same calls the app makes, bare, and the same number of durable commits.
    const floorDb = openDatabase(join(t.dir, 'floor.db'), [
      { version: 1, name: 'floor', up: (db) => db.exec('CREATE TABLE k (id INTEGER PRIMARY KEY, key TEXT NOT NULL, v TEXT)') },
    ]);
    const commit = floorDb.prepare('INSERT INTO k (key, v) VALUES (?, ?)');
    let seq = 0;
    const floorPayment = async () => {
      const id = `floor-${seq++}`;
      await sdk.invoices.retrieve(invoice.id); // start: what is due
      await sdk.customers.retrieve(customer.id); // start: name and zip to prefill
      commit.run(`${id}:attempt`, null); // 1: the attempt row
      await sdk.invoices.retrieve(invoice.id); // pay: fresh amount due
      await sdk.paymentMethods.retrieve(pm.id); // pay: the method is the customer's
      commit.run(`${id}:step`, null); // 2: the key, before the request
      const pi = await sdk.paymentIntents.create(
        {
          amount: 100,
          currency: 'usd',
          customer: customer.id,
          allowed_payment_method_types: ['card'],
          metadata: { invoice_id: invoice.id },
        },
        { idempotencyKey: `${id}:create` },
      );
      await sdk.invoices.attachPayment(invoice.id, { payment_intent: pi.id }, { idempotencyKey: `${id}:attach` });
      const done = await sdk.paymentIntents.confirm(
        pi.id,
        { payment_method: pm.id, off_session: true, expand: ['payment_method'] },
        { idempotencyKey: `${id}:confirm` },
      );
      commit.run(`${id}:result`, done.status); // 3: the result
    };
    const appPayment = async () => {
      const start = await call('startPayment', { invoiceId: invoice.id });
      const outcome = await call('paySaved', {
        attemptId: start.attemptId,
        paymentMethodId: pm.id,
        amount: 100,
        nameOnAccount: 'Bench Customer',
        postalCode: '78704',
      });
      if (outcome.status !== 'succeeded') throw new Error(`payment ${outcome.status}`);
    };

    for (let i = 0; i < 10; i++) {
      await appPayment();
      await floorPayment();
    }
    const app: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < n; i++) {
      let t0 = performance.now();
      await appPayment();
      app.push(performance.now() - t0);
      t0 = performance.now();
      await floorPayment();
      floor.push(performance.now() - t0);
    }
    floorDb.close();
    await kiosk.stop();

    const a = summarize(app);
    const f = summarize(floor);
    const ratio = a.mean / f.mean;
    console.log(`\nPayment with a saved card (Continue → result), ${n} payments each, against the sandbox`);
    console.log(`  floor: 7 bare SDK calls + ${EXACTLY_ONCE_COMMITS} durable SQLite commits (WAL, synchronous=FULL)`);
    console.log(`  ${'path'.padEnd(8)} ${'mean'.padStart(10)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)}`);
    for (const [name, s] of [
      ['app', a],
      ['floor', f],
    ] as const) {
      console.log(
        `  ${name.padEnd(8)} ${ms(s.mean).padStart(10)} ${ms(s.p50).padStart(10)} ${ms(s.p95).padStart(10)} ${ms(s.p99).padStart(10)}`,
      );
    }
    console.log(`  app / floor = ${ratio.toFixed(3)}× (target ≤ 1.25×)`);
    return { app: a.mean, floor: f.mean, ratio };
  } finally {
    await sandbox.stop();
    t.cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { payments: { type: 'string', default: '150' } } });
  await benchPayments({ payments: Number(values.payments) });
}
