/**
 * Draining the durable queue: `items` saved-card charges queued the way the app queues them when
 * Stripe cannot be reached (the line cut with the sandbox's outage switch, `mode=refuse`; the first
 * few through the dispatcher, startPayment + paySaved answered `queued`, the rest queued directly
 * as PaymentsService.enqueueCharge does, because each offline paySaved takes seconds of SDK
 * retries here), then the line restored and `outbox.drain()` timed until the queue is empty. Counts afterwards, read from the
 * sandbox's own SQLite file: PaymentIntents per payment_id beyond one (DUPLICATES, must be 0), and
 * queue items not succeeded.
 *
 *   npx tsx bench/outbox.ts [--items 10000]
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { contract } from '../electron/shared/contract';
import { startKiosk, type Kiosk } from '../electron/main/composition';
import { systemClock } from '../electron/main/services/clock';
import { LocalStore } from '../electron/main/services/local-store/local-store';
import { silentLogger } from '../electron/main/services/logger';
import { PaymentLedger } from '../electron/main/services/payments/ledger';
import { createConfStore } from '../electron/main/services/settings/conf-store';
import { SettingsService } from '../electron/main/services/settings/settings-service';
import { StripeSandbox } from '../packages/stripe-sandbox/src';
import { tempDir } from '../tests/helpers/temp-dir';

const KEY = 'sk_test_benchmark000000';
/**
 * Charges per invoice (each invoice is big enough for all of them). Kept small: the sandbox puts
 * an invoice's payments inside it, and a snapshot of the invoice into every event.
 */
const PER_INVOICE = 10;

export interface OutboxBenchOptions {
  items?: number;
  /** Print progress lines (default true). */
  progress?: boolean;
  /** How many are queued through the dispatcher (startPayment + paySaved); the rest directly (default 2). */
  viaDispatcher?: number;
}

export interface OutboxBenchResult {
  items: number;
  enqueueMs: number;
  drainMs: number;
  /** Of drainMs: time spent waiting for a backoff to come due (items tried while the line was down). */
  backoffWaitMs: number;
  drainPasses: number;
  itemsPerSec: number;
  succeeded: number;
  notSucceeded: number;
  intents: number;
  duplicates: number;
  attemptsWithoutIntent: number;
  /** Sum of what the sandbox's invoices were paid, against the sum queued (must match). */
  paidCents: number;
  queuedCents: number;
}

export async function benchOutboxDrain(opts: OutboxBenchOptions = {}): Promise<OutboxBenchResult> {
  const n = opts.items ?? 10_000;
  const say = opts.progress === false ? () => {} : (s: string) => console.log(`  … ${s}`);
  const t = tempDir('kiosk-bench-outbox-');
  const sandboxDb = join(t.dir, 'sandbox.db');
  const sandbox = new StripeSandbox({ dbPath: sandboxDb });
  let kiosk: Kiosk | null = null;
  let sandboxUrl = '';
  const outage = async (mode: 'refuse' | 'off') => {
    const res = await fetch(`${sandboxUrl}/__sandbox/outage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `mode=${mode}`,
    });
    if (!res.ok) throw new Error(`sandbox outage ${mode}: ${res.status}`);
  };
  try {
    console.log(`\nOutbox drain: ${n.toLocaleString('en-US')} queued saved-card charges, one customer, against the sandbox`);
    const { port, url } = await sandbox.start(0);
    sandboxUrl = url;
    const sdk = new Stripe(KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });

    // One customer with a saved card and enough invoices for every charge.
    const customer = await sdk.customers.create({
      name: 'Queue Bench',
      email: 'queue@example.com',
      address: { line1: '1 Main', postal_code: '78704', country: 'US' },
    });
    const pm = await sdk.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const invoiceIds: string[] = [];
    for (let i = 0; i < Math.ceil(n / PER_INVOICE); i++) {
      const draft = await sdk.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30 });
      await sdk.invoiceItems.create({
        customer: customer.id,
        invoice: draft.id,
        currency: 'usd',
        amount: PER_INVOICE * 5_000,
        description: `Queue bench ${i + 1}`,
      });
      invoiceIds.push((await sdk.invoices.finalizeInvoice(draft.id)).id);
    }

    const settings = new SettingsService(createConfStore(join(t.dir, 'app')), { STRIPE_SECRET_KEY: KEY });
    // Room for the whole run in the offline limits (the defaults allow $2,000 waiting in total).
    settings.update({ offlineMaxPayment: 10_000_000, offlineMaxTotal: 100_000_000 });
    kiosk = await startKiosk({
      dataDir: join(t.dir, 'app'),
      resourcesDir: new URL('../resources', import.meta.url).pathname,
      settings,
      log: silentLogger,
      version: 'bench',
      stripeEndpoint: { host: '127.0.0.1', port, protocol: 'http' },
    });
    await kiosk.sync.idle();
    const k = kiosk;
    const caller = 'bench';
    k.sessions.signInCustomer(caller, customer.id);
    const call = async <R>(name: keyof typeof contract, req: unknown): Promise<R> => {
      const r = await k.dispatcher.dispatch(caller, contract[name].channel, req);
      if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
      return r.value as R;
    };
    await call('listMethods', {}); // online: the local copy learns the saved card

    // Queue: the line is cut. The first `viaDispatcher` payments go the whole way the app takes
    // (startPayment + paySaved through the dispatcher, answered `queued`); each costs seconds here
    // because the SDK retries a refused connection twice with backoff before the app falls back to
    // the queue. The rest are queued directly, exactly as PaymentsService.enqueueCharge does (an
    // attempt row as startPayment makes it, then outbox.enqueue + the attempt marked queued in one
    // transaction), and checked to be shaped like the dispatcher-made ones.
    await outage('refuse');
    const viaDispatcher = Math.min(n, opts.viaDispatcher ?? 2);
    const ledger = new PaymentLedger(k.db, systemClock);
    const local = new LocalStore(k.db, systemClock);
    const stationId = settings.get().stationId;
    const invoices = new Map<string, { number: string | null; remaining: number }>();
    let queuedCents = 0;
    let t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const invoiceId = invoiceIds[Math.floor(i / PER_INVOICE)]!;
      const amount = 1_000 + (i % 40) * 100; // $10.00 – $49.00
      const charge = { paymentMethodId: pm.id, amount, nameOnAccount: 'Queue Bench', postalCode: '78704' };
      if (i < viaDispatcher) {
        k.sessions.signInCustomer(caller, customer.id);
        const start = await call<{ attemptId: string; invoice: { number: string | null; amountRemaining: number } }>('startPayment', {
          invoiceId,
        });
        invoices.set(invoiceId, { number: start.invoice.number, remaining: start.invoice.amountRemaining });
        const out = await call<{ status: string }>('paySaved', { attemptId: start.attemptId, ...charge });
        if (out.status !== 'queued') throw new Error(`payment ${i} was ${out.status}, not queued`);
        if (i === 0)
          say(`one payment queued through the dispatcher with the line cut in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } else {
        let inv = invoices.get(invoiceId);
        if (!inv) {
          const copy = local.getInvoice(invoiceId);
          if (!copy) throw new Error(`invoice ${invoiceId} is not in the local copy`);
          invoices.set(invoiceId, (inv = { number: copy.number, remaining: copy.amountRemaining }));
        }
        const method = local.paymentMethodsForCustomer(customer.id).find((m) => m.id === pm.id);
        if (!method) throw new Error('the saved card is not in the local copy');
        const attempt = ledger.create({
          customerId: customer.id,
          currency: 'usd',
          channel: 'kiosk',
          stationId,
          staffId: null,
          allocations: [{ invoiceId, invoiceNumber: inv.number, invoiceRemaining: inv.remaining }],
        });
        ledger.atomically(() => {
          const item = k.outbox.enqueue({
            kind: 'saved_method_charge',
            customerId: customer.id,
            payload: { attemptId: attempt.id, ...charge },
            amount,
            currency: 'usd',
            createdBy: attempt.staffId ?? attempt.channel,
            stationId,
          });
          ledger.updateAllocation(attempt.id, 1, { amount });
          ledger.update(attempt.id, {
            status: 'queued',
            tender: 'saved_method',
            amount,
            outboxId: item.id,
            outcome: {
              status: 'queued',
              attemptId: attempt.id,
              invoiceId,
              invoiceNumber: inv.number,
              amount,
              currency: 'usd',
              method: {
                type: method.type,
                brand: method.brand,
                last4: method.last4,
                bankName: method.bankName,
                expMonth: method.expMonth,
                expYear: method.expYear,
              },
              confirmation: item.id,
              savedForAutopay: false,
              parts: [{ invoiceId, invoiceNumber: inv.number, amount, status: 'queued', confirmation: null, reason: null }],
            },
          });
        });
      }
      queuedCents += amount;
      if ((i + 1) % 2000 === 0 && i + 1 < n)
        say(`queued ${(i + 1).toLocaleString('en-US')} / ${n.toLocaleString('en-US')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const enqueueMs = performance.now() - t0;
    checkSameShape(k, viaDispatcher);
    say(
      `queued ${n.toLocaleString('en-US')} in ${(enqueueMs / 1000).toFixed(1)} s (${viaDispatcher} through the dispatcher, the rest as enqueueCharge does)`,
    );

    // Drain: the line is back; passes until nothing is waiting (an item tried while the line was
    // down waits out its backoff first; that wait is counted and shown apart).
    await outage('off');
    const waiting = () => {
      const c = k.outbox.counts();
      return c.queued + c.sending;
    };
    const nextDueIn = () =>
      ((k.db.prepare("SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state = 'queued'").get() as { at: number | null }).at ??
        Date.now()) - Date.now();
    let backoffWaitMs = 0;
    let passes = 0;
    let lastReport = performance.now();
    const progress = setInterval(() => {
      if (performance.now() - lastReport < 10_000) return;
      lastReport = performance.now();
      const c = k.outbox.counts();
      say(
        `drained ${c.succeeded.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }, 1000);
    progress.unref();
    t0 = performance.now();
    try {
      while (waiting() > 0) {
        passes++;
        const report = await k.outbox.drain();
        if (waiting() === 0) break;
        if (report.sent === 0) {
          const wait = Math.max(10, nextDueIn());
          if (wait > 10 * 60_000) throw new Error('outbox: the next item is not due for more than 10 minutes');
          backoffWaitMs += wait;
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    } finally {
      clearInterval(progress);
    }
    const drainMs = performance.now() - t0;
    const counts = k.outbox.counts();
    await kiosk.stop();
    kiosk = null;

    // What really happened at "Stripe": PaymentIntents per attempt, read from the sandbox's file.
    const sdb = new Database(sandboxDb, { readonly: true });
    let dup: { intents: number; attempts: number; duplicates: number; paid: number };
    try {
      dup = sdb
        .prepare(
          `SELECT COUNT(*) AS intents, COUNT(DISTINCT a) AS attempts, COALESCE(SUM(c - 1), 0) AS duplicates, 0 AS paid FROM (
             SELECT json_extract(json, '$.metadata.payment_id') AS a, COUNT(*) AS c FROM objects
             WHERE type = 'payment_intent' GROUP BY a)`,
        )
        .get() as typeof dup;
      const inv = sdb
        .prepare(`SELECT COALESCE(SUM(json_extract(json, '$.amount_paid')), 0) AS paid FROM objects WHERE type = 'invoice'`)
        .get() as { paid: number };
      dup.paid = inv.paid;
      dup.intents = (sdb.prepare(`SELECT COUNT(*) AS n FROM objects WHERE type = 'payment_intent'`).get() as { n: number }).n;
    } finally {
      sdb.close();
    }
    const result: OutboxBenchResult = {
      items: n,
      enqueueMs,
      drainMs,
      backoffWaitMs,
      drainPasses: passes,
      itemsPerSec: (counts.succeeded * 1000) / drainMs,
      succeeded: counts.succeeded,
      notSucceeded: n - counts.succeeded,
      intents: dup.intents,
      duplicates: dup.duplicates,
      attemptsWithoutIntent: n - dup.attempts,
      paidCents: dup.paid,
      queuedCents,
    };
    printOutbox(result);
    return result;
  } finally {
    await kiosk?.stop().catch(() => undefined);
    await sandbox.stop();
    t.cleanup();
  }
}

/** The directly queued rows must look like the ones paySaved queued (same columns filled, same payload keys). */
function checkSameShape(k: Kiosk, viaDispatcher: number): void {
  const items = k.outbox.list();
  if (viaDispatcher === 0 || items.length <= viaDispatcher) return;
  const shape = (i: (typeof items)[number]) =>
    JSON.stringify({
      kind: i.kind,
      customer: i.customerId !== null,
      keys: Object.keys(i.payload as object).sort(),
      amount: i.amount !== null,
      currency: i.currency,
      state: i.state,
      by: i.createdBy,
      station: i.stationId,
      key: i.idempotencyKey.startsWith('outbox:'),
    });
  const a = items[0]!;
  const b = items[viaDispatcher]!;
  if (shape(a) !== shape(b)) throw new Error(`queued rows differ: ${shape(a)} vs ${shape(b)}`);
  const attempt = (id: string) =>
    k.db
      .prepare(
        'SELECT p.channel, p.status, a.invoice_remaining > 0 AS r FROM payments p JOIN payment_allocations a ON a.payment_id = p.id WHERE p.id = ?',
      )
      .get(id);
  const pa = attempt((a.payload as { attemptId: string }).attemptId);
  const pb = attempt((b.payload as { attemptId: string }).attemptId);
  if (JSON.stringify(pa) !== JSON.stringify(pb)) throw new Error(`queued attempts differ: ${JSON.stringify(pa)} vs ${JSON.stringify(pb)}`);
}

function printOutbox(r: OutboxBenchResult): void {
  const f = (x: number) => x.toLocaleString('en-US');
  console.log(
    `  enqueue (line cut): ${f(r.items)} in ${(r.enqueueMs / 1000).toFixed(1)} s = ${f(Math.round((r.items * 1000) / r.enqueueMs))}/s`,
  );
  console.log(
    `  drain: ${f(r.succeeded)} sent in ${(r.drainMs / 1000).toFixed(1)} s (${r.drainPasses} passes; ${(r.backoffWaitMs / 1000).toFixed(1)} s of it waiting out a backoff) = ${r.itemsPerSec.toFixed(1)} items/s` +
      `; without the backoff wait ${((r.succeeded * 1000) / Math.max(1, r.drainMs - r.backoffWaitMs)).toFixed(1)} items/s`,
  );
  console.log(
    `  at the sandbox: ${f(r.intents)} PaymentIntents, DUPLICATES ${r.duplicates} (target 0), attempts without one ${r.attemptsWithoutIntent}`,
  );
  console.log(
    `  queue items not succeeded: ${r.notSucceeded}; invoices paid ${(r.paidCents / 100).toFixed(2)} of ${(r.queuedCents / 100).toFixed(2)} queued`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { items: { type: 'string', default: '10000' } } });
  await benchOutboxDrain({ items: Number(values.items) });
}
