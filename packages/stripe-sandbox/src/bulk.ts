/**
 * Bulk seeding for benchmarks: N customers and M finalized invoices written straight into a
 * sandbox's SQLite file in large transactions, without HTTP.
 *
 * Every object is built by the sandbox's own route handlers (the same code the API runs for
 * `POST /v1/customers`, `/v1/invoices`, `/v1/invoiceitems`, `/v1/invoices/:id/finalize`, `/pay`,
 * `/void`), called in-process, so the rows are indistinguishable from ones made through the API.
 * Two differences, on purpose:
 *  - NO events are recorded for the bulk rows (a sync starts from a full load anyway, and a huge
 *    events table would only slow every events list down);
 *  - the clock is moved per object, so `created` dates spread over the past `spanDays`.
 *
 * Run it while no StripeSandbox has the file open (before `start()`, or after `stop()`): the store
 * keeps its own sequence counter per open connection.
 */
import { Ctx, Reply } from './context.js';
import { registerCustomers } from './customers.js';
import { registerInvoiceItems } from './invoice-items.js';
import { registerInvoicePayments } from './invoice-payments.js';
import { registerInvoices } from './invoices.js';
import { registerPaymentMethods } from './payment-methods.js';
import { Store } from './store.js';
import { API_VERSION, Params, type Obj, type RawObj } from './wire.js';

export interface BulkSeedOptions {
  customers: number;
  invoices: number;
  /** Seed for names, amounts and statuses (default 1). Ids are random, as the API makes them. */
  seed?: number;
  /** "Today" in ms (default Date.now()); objects are created before it. */
  nowMs?: number;
  /** How far back objects are spread (default 730 days). */
  spanDays?: number;
  /** Invoices per transaction (default 5,000). */
  batch?: number;
  /** Called after each committed batch. */
  onProgress?: (done: { customers: number; invoices: number }) => void;
}

export interface BulkSeedResult {
  customerIds: string[];
  invoices: number;
  /** Ids of the invoices left open (to pay or change later). */
  openInvoiceIds: string[];
  /** Stripe statuses of the seeded invoices. */
  byStatus: { open: number; paid: number; void: number };
  /** Open invoices whose due date has passed (the app shows them as overdue). */
  overdue: number;
  ms: number;
}

const FIRST =
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Maria Jose Luis Carmen Wei Ming Priya Raj Olga Ivan Aisha Omar Chloe Liam Mia Noah Emma Lucas Sofia Mateo Ana Pedro'.split(
    ' ',
  );
const LAST =
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Patel Kim'.split(
    ' ',
  );
const STREETS = 'Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Walnut Sunset Lincoln Jackson Church River'.split(' ');
const CITIES: [string, string, string][] = [
  ['Austin', 'TX', '787'],
  ['Springfield', 'IL', '627'],
  ['Riverside', 'CA', '925'],
  ['Franklin', 'TN', '370'],
  ['Madison', 'WI', '537'],
  ['Salem', 'MA', '019'],
  ['Dayton', 'OH', '454'],
  ['Portland', 'ME', '041'],
];
const ITEMS = [
  'Monthly service',
  'Equipment rental',
  'Installation',
  'Late fee',
  'Maintenance visit',
  'Annual membership',
  'Parts',
  'Consultation',
];

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Call = (method: 'GET' | 'POST', path: string, raw?: RawObj) => Obj;

/** Calls a sandbox route handler in-process, exactly as the HTTP front would (minus HTTP). */
function caller(ctx: Ctx): Call {
  return (method, path, raw = {}) => {
    for (const r of ctx.routes) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      const out = r.handler({ params: new Params(raw), path: params, url: path });
      if (out instanceof Reply) throw new Error(`sandbox bulk: ${method} ${path}: ${out.error.message}`);
      return out;
    }
    throw new Error(`sandbox bulk: no route for ${method} ${path}`);
  };
}

/** Seeds customers and finalized invoices into the sandbox file at `dbPath` (see the file comment). */
export function seedBulk(dbPath: string, opts: BulkSeedOptions): BulkSeedResult {
  const started = performance.now();
  const r = prng(opts.seed ?? 1);
  const nowMs = opts.nowMs ?? Date.now();
  const now = Math.floor(nowMs / 1000);
  const span = Math.max(1, opts.spanDays ?? 730) * 86_400;
  const batch = Math.max(1, opts.batch ?? 5_000);
  let clock = nowMs;
  const store = new Store(dbPath, () => clock);
  // A seed is redone rather than recovered: no fsync per batch; one checkpoint at the end.
  store.db.pragma('synchronous = OFF');
  store.db.pragma('cache_size = -131072');
  // No events for bulk rows: the handlers' emit becomes a no-op on this connection only.
  store.emit = (type: string): Obj => ({ id: 'evt_bulk', object: 'event', api_version: API_VERSION, type });
  // The store prepares each statement per call; on this bulk connection, reuse them.
  const prepared = new Map<string, ReturnType<typeof store.db.prepare>>();
  const prepare = store.db.prepare.bind(store.db);
  (store.db as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, (s = prepare(sql)));
    return s;
  };
  const ctx = new Ctx(store, 3000);
  for (const register of [registerCustomers, registerPaymentMethods, registerInvoiceItems, registerInvoices, registerInvoicePayments])
    register(ctx);
  const call = caller(ctx);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const result: BulkSeedResult = {
    customerIds: [],
    invoices: 0,
    openInvoiceIds: [],
    byStatus: { open: 0, paid: 0, void: 0 },
    overdue: 0,
    ms: 0,
  };
  const customerCreated: number[] = [];

  try {
    // Customers: created over the first part of the span, oldest first.
    const nCus = Math.max(0, opts.customers);
    for (let start = 0; start < nCus; start += batch) {
      store.tx(() => {
        for (let i = start; i < Math.min(nCus, start + batch); i++) {
          const created = now - span + Math.floor((i / Math.max(1, nCus)) * span * 0.8);
          clock = created * 1000;
          const first = pick(FIRST);
          const last = pick(LAST);
          const [city, state, zip3] = pick(CITIES);
          const raw: RawObj = {
            name: `${first} ${last}`,
            email: `${first}.${last}${i}@example.com`.toLowerCase(),
            phone: `+1512555${String(i % 10_000).padStart(4, '0')}`,
            address: {
              line1: `${1 + Math.floor(r() * 9999)} ${pick(STREETS)} St`,
              city,
              state,
              postal_code: `${zip3}${String(Math.floor(r() * 100)).padStart(2, '0')}`,
              country: 'US',
            },
            metadata: { source: 'bulk-seed' },
          };
          const c = call('POST', '/v1/customers', raw);
          result.customerIds.push(c.id as string);
          customerCreated.push(created);
        }
      });
      opts.onProgress?.({ customers: result.customerIds.length, invoices: 0 });
    }
    if (opts.invoices > 0 && result.customerIds.length === 0) throw new Error('sandbox bulk: invoices need at least one customer');

    // Invoices: each for a random customer, created after that customer; 1-3 lines; then
    // finalized and left open (due in 30 days, so older ones are overdue), paid, or voided.
    const nInv = Math.max(0, opts.invoices);
    for (let start = 0; start < nInv; start += batch) {
      store.tx(() => {
        for (let i = start; i < Math.min(nInv, start + batch); i++) {
          const ci = Math.floor(r() * result.customerIds.length);
          const customer = result.customerIds[ci]!;
          const roll = r();
          const status = roll < 0.62 ? 'paid' : roll < 0.67 ? 'void' : 'open';
          const from = customerCreated[ci]!;
          // Open invoices are mostly recent; the rest anywhere since the customer was created.
          const recent = status === 'open' && r() < 0.7;
          const lo = recent ? Math.max(from, now - 45 * 86_400) : from;
          const created = lo + Math.floor(r() * Math.max(1, now - 60 - lo));
          clock = created * 1000;
          const inv = call('POST', '/v1/invoices', {
            customer,
            collection_method: 'send_invoice',
            days_until_due: '30',
            currency: 'usd',
            description: `Statement ${i + 1}`,
          });
          const id = inv.id as string;
          const lines = 1 + Math.floor(r() * 3);
          for (let k = 0; k < lines; k++) {
            call('POST', '/v1/invoiceitems', {
              customer,
              invoice: id,
              currency: 'usd',
              amount: String(500 + Math.floor(r() * 25_000)),
              description: pick(ITEMS),
            });
          }
          const fin = call('POST', `/v1/invoices/${id}/finalize`);
          clock = Math.min(nowMs, clock + Math.floor(r() * 20 * 86_400_000));
          if (status === 'paid') call('POST', `/v1/invoices/${id}/pay`, { paid_out_of_band: 'true' });
          else if (status === 'void') call('POST', `/v1/invoices/${id}/void`);
          else {
            result.openInvoiceIds.push(id);
            if (typeof fin.due_date === 'number' && fin.due_date < now) result.overdue++;
          }
          result.byStatus[status]++;
          result.invoices++;
        }
      });
      opts.onProgress?.({ customers: result.customerIds.length, invoices: result.invoices });
    }
    store.db.pragma('synchronous = FULL');
    store.db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    store.close();
  }
  result.ms = performance.now() - started;
  return result;
}
