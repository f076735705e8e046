/**
 * Local-copy sync against the sandbox, through the real SyncService, StripeGateway feed and
 * LocalStore (a real SQLite file, WAL, synchronous=FULL):
 *  a. the first full load of `invoices` invoices and `customers` customers, next to its floor in
 *     the same run: the bare SDK paging through the same customers and invoices, limit 100,
 *     doing nothing with them;
 *  b. an incremental sync after `changes` changes made through the SDK (customer updates, invoice
 *     updates, invoice payments).
 * The sandbox is seeded in bulk (seedBulk: the sandbox's own handlers, no events for bulk rows).
 * Note: each sandbox list request reads and parses every object of its type (Store.all), so both
 * the floor and the app's load grow with the square of the size (~0.45 s a page at 10,000
 * invoices, ~4.5 s at 100,000: over an hour per pass at 100,000).
 *
 *   npx tsx bench/sync.ts [--invoices 100000] [--customers 20000] [--changes 1000]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { openDatabase } from '../electron/main/db/connection';
import { appMigrations } from '../electron/main/db/migrations';
import { systemClock } from '../electron/main/services/clock';
import { LocalStore } from '../electron/main/services/local-store/local-store';
import { silentLogger } from '../electron/main/services/logger';
import { SyncService } from '../electron/main/services/sync/sync-service';
import { StripeGateway } from '../electron/main/stripe/gateway';
import { seedBulk, StripeSandbox } from '../packages/stripe-sandbox/src';
import { tempDir } from '../tests/helpers/temp-dir';

const KEY = 'sk_test_benchmark000000';

export interface SyncBenchOptions {
  invoices?: number;
  customers?: number;
  changes?: number;
  /** Print progress lines (default true). */
  progress?: boolean;
}

export interface SyncBenchResult {
  seeded: { customers: number; invoices: number; seconds: number };
  full: {
    customers: number;
    invoices: number;
    ms: number;
    customerMs: number;
    invoiceMs: number;
    /** Invoices per second over the invoice phase of the load. */
    invoicesPerSec: number;
  };
  floor: { customers: number; invoices: number; customerMs: number; invoiceMs: number; invoicesPerSec: number };
  incremental: { changes: number; events: number; customers: number; invoices: number; ms: number; changesPerSec: number; mode: string };
  /** Rows in the local copy after the full load (must equal what the sandbox has, drafts aside). */
  local: { customers: number; invoices: number };
  /** Changes the local copy did not reflect after the incremental sync (must be 0). */
  missedChanges: number;
}

const perSec = (n: number, ms: number): number => (ms > 0 ? (n * 1000) / ms : NaN);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function benchSync(opts: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const nInv = opts.invoices ?? 100_000;
  const nCus = opts.customers ?? Math.max(1, Math.round(nInv / 5));
  const nChanges = opts.changes ?? 1_000;
  const say = opts.progress === false ? () => {} : (s: string) => console.log(`  … ${s}`);
  const t = tempDir('kiosk-bench-sync-');
  const sandbox = new StripeSandbox({ dbPath: join(t.dir, 'sandbox.db') });
  let db: ReturnType<typeof openDatabase> | null = null;
  try {
    console.log(`\nSync: ${fmt(nInv)} invoices / ${fmt(nCus)} customers in the sandbox, then ${fmt(nChanges)} changes`);
    const seeded = seedBulk(join(t.dir, 'sandbox.db'), { customers: nCus, invoices: nInv, seed: 7 });
    say(
      `seeded in bulk in ${(seeded.ms / 1000).toFixed(1)} s (${fmt(seeded.byStatus.paid)} paid, ${fmt(seeded.byStatus.open)} open of which ${fmt(seeded.overdue)} overdue, ${fmt(seeded.byStatus.void)} void; no events)`,
    );
    const { port } = await sandbox.start(0);
    const endpoint = { host: '127.0.0.1', port, protocol: 'http' as const };
    const sdk = new Stripe(KEY, { ...endpoint, maxNetworkRetries: 0, timeout: 600_000 });
    // One change through the API so the event stream has a head for the cursor (bulk rows have no events).
    await sdk.customers.create({ name: 'Sync Bench Head', email: 'head@example.com' });

    // The floor: the bare SDK paging through the same lists, doing nothing with them.
    const pageAll = async <T extends { id: string }>(
      list: (p: Stripe.PaginationParams) => Promise<Stripe.ApiList<T>>,
      what: string,
    ): Promise<number> => {
      let n = 0;
      let after: string | undefined;
      const tick = ticker(say, what);
      for (;;) {
        const page = await list({ limit: 100, ...(after ? { starting_after: after } : {}) });
        n += page.data.length;
        tick(n);
        if (!page.has_more || page.data.length === 0) return n;
        after = page.data.at(-1)!.id;
      }
    };
    say('floor: bare SDK paging customers …');
    let t0 = performance.now();
    const floorCustomers = await pageAll((p) => sdk.customers.list(p), 'floor customers');
    const floorCustomerMs = performance.now() - t0;
    say(`floor: bare SDK paging invoices (${fmt(nInv / 100)} pages) …`);
    t0 = performance.now();
    const floorInvoices = await pageAll((p) => sdk.invoices.list(p), 'floor invoices');
    const floorInvoiceMs = performance.now() - t0;

    // The app: SyncService.fullLoad through the gateway's feed into LocalStore; phases timed.
    db = openDatabase(join(t.dir, 'kiosk.db'), appMigrations);
    const store = new LocalStore(db, systemClock);
    const gateway = new StripeGateway({ secretKey: KEY, endpoint, clock: systemClock, timeoutMs: 600_000 });
    const phase = { customerMs: 0, invoiceMs: 0 };
    const feed = gateway.feed;
    const timedFeed = {
      latestEvent: () => feed.latestEvent(),
      eachEventAfter: (cursor: string, onPage: Parameters<typeof feed.eachEventAfter>[1]) => feed.eachEventAfter(cursor, onPage),
      eachPayment: (onPage: Parameters<typeof feed.eachPayment>[0]) => feed.eachPayment(onPage),
      eachPaymentRecord: (onPage: Parameters<typeof feed.eachPaymentRecord>[0]) => feed.eachPaymentRecord(onPage),
      eachCustomer: async (onPage: Parameters<typeof feed.eachCustomer>[0]) => {
        const s = performance.now();
        await feed.eachCustomer(onPage);
        phase.customerMs = performance.now() - s;
      },
      eachInvoice: async (onPage: Parameters<typeof feed.eachInvoice>[0]) => {
        const s = performance.now();
        const tick = ticker(say, 'app invoices');
        let n = 0;
        await feed.eachInvoice((page) => {
          onPage(page);
          tick((n += page.length));
        });
        phase.invoiceMs = performance.now() - s;
      },
    };
    const sync = new SyncService({
      feed: timedFeed,
      store,
      clock: systemClock,
      log: silentLogger,
      methodsFor: async (customerId) => (await gateway.listSavedMethods(customerId)).methods,
    });
    say('app: SyncService.fullLoad …');
    t0 = performance.now();
    const full = await sync.fullLoad();
    const fullMs = performance.now() - t0;
    const local = {
      customers: (db.prepare('SELECT COUNT(*) AS n FROM ls_customers').get() as { n: number }).n,
      invoices: (db.prepare('SELECT COUNT(*) AS n FROM ls_invoices').get() as { n: number }).n,
    };

    // b. Changes through the SDK, then one incremental sync.
    say(`making ${fmt(nChanges)} changes through the SDK …`);
    const r = mulberry(11);
    const open = [...seeded.openInvoiceIds];
    const expected: ({ kind: 'customer'; id: string; name: string } | { kind: 'invoice'; id: string; status: 'paid' | null })[] = [];
    const paidSet = new Set<string>();
    for (let i = 0; i < nChanges; i++) {
      const roll = r();
      if (roll < 0.4 || open.length === 0) {
        const id = seeded.customerIds[Math.floor(r() * seeded.customerIds.length)]!;
        const name = `Changed Customer ${i}`;
        await sdk.customers.update(id, { name, phone: `+1512556${String(i % 10_000).padStart(4, '0')}` });
        expected.push({ kind: 'customer', id, name });
      } else if (roll < 0.7) {
        const id = open[Math.floor(r() * open.length)]!;
        await sdk.invoices.update(id, { description: `Updated ${i}`, metadata: { bench_change: String(i) } });
        expected.push({ kind: 'invoice', id, status: null });
      } else {
        const id = open.splice(Math.floor(r() * open.length), 1)[0]!;
        await sdk.invoices.pay(id, { paid_out_of_band: true });
        paidSet.add(id);
        expected.push({ kind: 'invoice', id, status: 'paid' });
      }
    }
    say('app: SyncService.runOnce (incremental) …');
    t0 = performance.now();
    const inc = await sync.runOnce();
    const incMs = performance.now() - t0;
    // Later changes to the same object win; check the final state of each touched object.
    const lastName = new Map<string, string>();
    for (const e of expected) if (e.kind === 'customer') lastName.set(e.id, e.name);
    let missed = 0;
    for (const [id, name] of lastName) if (store.getCustomer(id)?.name !== name) missed++;
    for (const id of paidSet) if (store.getInvoice(id)?.status !== 'paid') missed++;

    const result: SyncBenchResult = {
      seeded: { customers: seeded.customerIds.length, invoices: seeded.invoices, seconds: seeded.ms / 1000 },
      full: {
        customers: full.customers,
        invoices: full.invoices,
        ms: fullMs,
        customerMs: phase.customerMs,
        invoiceMs: phase.invoiceMs,
        invoicesPerSec: perSec(full.invoices, phase.invoiceMs),
      },
      floor: {
        customers: floorCustomers,
        invoices: floorInvoices,
        customerMs: floorCustomerMs,
        invoiceMs: floorInvoiceMs,
        invoicesPerSec: perSec(floorInvoices, floorInvoiceMs),
      },
      incremental: {
        changes: nChanges,
        events: inc.events,
        customers: inc.customers,
        invoices: inc.invoices,
        ms: incMs,
        changesPerSec: perSec(nChanges, incMs),
        mode: inc.mode,
      },
      local,
      missedChanges: missed,
    };
    printSync(result);
    return result;
  } finally {
    db?.close();
    await sandbox.stop();
    t.cleanup();
  }
}

function printSync(r: SyncBenchResult): void {
  const row = (a: string, b: string, c: string, d: string) =>
    console.log(`  ${a.padEnd(30)} ${b.padStart(10)} ${c.padStart(12)} ${d.padStart(14)}`);
  console.log(
    `  sandbox seeded in bulk: ${fmt(r.seeded.invoices)} invoices + ${fmt(r.seeded.customers)} customers in ${r.seeded.seconds.toFixed(1)} s`,
  );
  row('full load', 'rows', 'time', 'rows/s');
  row(
    '  floor: SDK pages customers',
    fmt(r.floor.customers),
    `${(r.floor.customerMs / 1000).toFixed(2)} s`,
    fmt(perSec(r.floor.customers, r.floor.customerMs)),
  );
  row('  floor: SDK pages invoices', fmt(r.floor.invoices), `${(r.floor.invoiceMs / 1000).toFixed(2)} s`, fmt(r.floor.invoicesPerSec));
  row(
    '  app: customers → LocalStore',
    fmt(r.full.customers),
    `${(r.full.customerMs / 1000).toFixed(2)} s`,
    fmt(perSec(r.full.customers, r.full.customerMs)),
  );
  row('  app: invoices → LocalStore', fmt(r.full.invoices), `${(r.full.invoiceMs / 1000).toFixed(2)} s`, fmt(r.full.invoicesPerSec));
  row('  app: whole fullLoad()', fmt(r.full.customers + r.full.invoices), `${(r.full.ms / 1000).toFixed(2)} s`, '');
  console.log(
    `  app / floor (invoice phase) = ${(r.full.invoiceMs / r.floor.invoiceMs).toFixed(2)}×; local copy holds ${fmt(r.local.customers)} customers, ${fmt(r.local.invoices)} invoices (drafts are never kept)`,
  );
  console.log(
    `  incremental (${r.incremental.mode}): ${fmt(r.incremental.changes)} changes (${fmt(r.incremental.events)} events) in ${r.incremental.ms.toFixed(0)} ms = ${fmt(r.incremental.changesPerSec)} changes/s; changes missed: ${r.missedChanges}`,
  );
}

/** Progress at most every 15 s (a 100,000-invoice paging takes long: every page lists everything). */
function ticker(say: (s: string) => void, what: string): (n: number) => void {
  const t0 = performance.now();
  let last = t0;
  return (n) => {
    const now = performance.now();
    if (now - last < 15_000) return;
    last = now;
    say(`${what}: ${fmt(n)} after ${((now - t0) / 1000).toFixed(0)} s`);
  };
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      invoices: { type: 'string', default: '100000' },
      customers: { type: 'string' },
      changes: { type: 'string', default: '1000' },
    },
  });
  await benchSync({
    invoices: Number(values.invoices),
    ...(values.customers ? { customers: Number(values.customers) } : {}),
    changes: Number(values.changes),
  });
}
