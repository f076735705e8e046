/**
 * The customer's wait at real Stripe speed: every request to the stand-in passes a proxy that holds
 * it `--delay` ms (default 300, optimistic for Stripe), so the wait is (sequential calls × delay) plus
 * the app's own work. Each flow is measured next to its floor in the same run: the fewest sequential
 * calls real Stripe needs for the same result, made with the bare SDK through the same proxy.
 *
 *   npx tsx bench/latency.ts [--delay 300] [--rounds 5]
 *
 * Flows: a saved card for one invoice (Continue → result) and a saved card for two invoices in one
 * payment. Floor: create and confirm the PaymentIntent in one call, then register it on the invoice
 * (2 sequential; two invoices run side by side, still 2).
 */
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { contract } from '../electron/shared/contract';
import { startKiosk } from '../electron/main/composition';
import { silentLogger } from '../electron/main/services/logger';
import { createConfStore } from '../electron/main/services/settings/conf-store';
import { SettingsService } from '../electron/main/services/settings/settings-service';
import { StripeSandbox } from '../packages/stripe-sandbox/src';
import { tempDir } from '../tests/helpers/temp-dir';
import { summarize } from './stats';

const KEY = 'sk_test_latencyBench0000';

export interface LatencyRow {
  flow: string;
  appMs: number;
  appCalls: number;
  floorMs: number;
  floorCalls: number;
}

/** Holds every request `delayMs` before passing it on; counts requests. */
function delayingProxy(targetPort: number, delayMs: number): Promise<{ server: Server; port: number; count: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const up = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, count: () => n })),
  );
}

export async function benchLatency(opts: { delayMs?: number; rounds?: number } = {}): Promise<LatencyRow[]> {
  const delayMs = opts.delayMs ?? 300;
  const rounds = opts.rounds ?? 5;
  const t = tempDir('kiosk-latency-');
  const sandbox = new StripeSandbox({ dbPath: join(t.dir, 'sandbox.db') });
  const { port } = await sandbox.start(0);
  const direct = new Stripe(KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  const proxy = await delayingProxy(port, delayMs);
  const slow = new Stripe(KEY, { host: '127.0.0.1', port: proxy.port, protocol: 'http', maxNetworkRetries: 0 });
  try {
    const customer = await direct.customers.create({
      name: 'Latency Bench',
      address: { line1: '1 Main', postal_code: '78704', country: 'US' },
    });
    const pm = await direct.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const newInvoice = async () => {
      const draft = await direct.invoices.create({
        customer: customer.id,
        collection_method: 'send_invoice',
        days_until_due: 30,
        pending_invoice_items_behavior: 'exclude',
      });
      await direct.invoiceItems.create({ customer: customer.id, invoice: draft.id, currency: 'usd', amount: 10_000, description: 'Bench' });
      return (await direct.invoices.finalizeInvoice(draft.id)).id;
    };

    const kiosk = await startKiosk({
      dataDir: join(t.dir, 'app'),
      resourcesDir: new URL('../resources', import.meta.url).pathname,
      settings: new SettingsService(createConfStore(join(t.dir, 'app')), { STRIPE_SECRET_KEY: KEY }),
      log: silentLogger,
      version: 'bench',
      stripeEndpoint: { host: '127.0.0.1', port: proxy.port, protocol: 'http' },
    });
    kiosk.sessions.signInCustomer('bench', customer.id);
    const call = async <T>(name: keyof typeof contract, req: unknown): Promise<T> => {
      const r = await kiosk.dispatcher.dispatch('bench', contract[name].channel, req);
      if (!r.ok) throw new Error(`${name}: ${r.error.reason} ${r.error.message}`);
      return r.value as T;
    };

    const appPay = async (invoiceIds: string[]): Promise<number> => {
      const start = await call<{ attemptId: string; total: number }>('startPayment', { invoiceIds });
      const t0 = performance.now();
      const outcome = await call<{ status: string }>('paySaved', {
        attemptId: start.attemptId,
        paymentMethodId: pm.id,
        amount: start.total,
        nameOnAccount: 'Latency Bench',
        postalCode: '78704',
      });
      const elapsed = performance.now() - t0;
      if (outcome.status !== 'succeeded') throw new Error(`payment ${outcome.status}`);
      return elapsed;
    };
    const floorPay = async (invoiceIds: string[]): Promise<number> => {
      const t0 = performance.now();
      await Promise.all(
        invoiceIds.map(async (invoiceId) => {
          const pi = await slow.paymentIntents.create({
            amount: 10_000,
            currency: 'usd',
            customer: customer.id,
            payment_method: pm.id,
            confirm: true,
            off_session: true,
            metadata: { invoice_id: invoiceId },
          });
          await slow.invoices.attachPayment(invoiceId, { payment_intent: pi.id });
        }),
      );
      return performance.now() - t0;
    };

    const rows: LatencyRow[] = [];
    for (const [flow, size] of [
      ['saved card, 1 invoice', 1],
      ['saved card, 2 invoices', 2],
    ] as const) {
      const app: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < rounds; i++) {
        app.push(await appPay(await Promise.all(Array.from({ length: size }, newInvoice))));
        floor.push(await floorPay(await Promise.all(Array.from({ length: size }, newInvoice))));
      }
      const a = summarize(app).p50;
      const f = summarize(floor).p50;
      rows.push({ flow, appMs: a, appCalls: Math.round(a / delayMs), floorMs: f, floorCalls: Math.round(f / delayMs) });
    }
    await kiosk.stop();

    console.log(`\nWaits at ${delayMs} ms per Stripe call (median of ${rounds}; sequential calls = wait ÷ delay, rounded)`);
    console.log(`  ${'flow'.padEnd(24)} ${'app'.padStart(16)} ${'floor'.padStart(16)} ${'ratio'.padStart(7)}`);
    for (const r of rows) {
      const app = `${r.appCalls} calls ${(r.appMs / 1000).toFixed(2)} s`;
      const floor = `${r.floorCalls} calls ${(r.floorMs / 1000).toFixed(2)} s`;
      console.log(`  ${r.flow.padEnd(24)} ${app.padStart(16)} ${floor.padStart(16)} ${(r.appMs / r.floorMs).toFixed(2).padStart(6)}×`);
    }
    return rows;
  } finally {
    proxy.server.close();
    await sandbox.stop();
    t.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { delay: { type: 'string' }, rounds: { type: 'string' } } });
  await benchLatency({
    ...(values.delay ? { delayMs: Number(values.delay) } : {}),
    ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
  });
}
