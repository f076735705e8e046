/**
 * `npm run bench`: latency at 300 ms per Stripe call, payments, receipts, lookup, sync, outbox, in that order, then a one-screen
 * summary against the targets. Each benchmark cleans up its temp dirs and stops its servers even
 * when it fails; a failed one is reported and the rest still run (exit code 1 at the end).
 *
 *   npx tsx bench/index.ts [--only latency,payments,page,receipts,lookup,sync,outbox] [--quick]
 * (page needs the built renderer: npm run build first)
 *
 * Timings are wall-clock on a shared machine: compare figures from the same run only.
 *
 * At full size the sync benchmark (100,000 invoices) takes very long: every sandbox list request
 * reads and parses every object of its type, so paging 100,000 invoices is quadratic in the
 * stand-in (not in the app). It prints progress.
 */
import { parseArgs } from 'node:util';
import { benchLatency, type LatencyRow } from './latency';
import { benchLookup } from './lookup';
import { benchPayNowToInteractive, type PageBenchResult } from './page';
import { benchOutboxDrain, type OutboxBenchResult } from './outbox';
import { benchPayments } from './payments';
import { benchReceipts, type ReceiptsBenchResult } from './receipts';
import { benchSync, type SyncBenchResult } from './sync';

const ALL = ['latency', 'payments', 'page', 'receipts', 'lookup', 'sync', 'outbox'] as const;
type Name = (typeof ALL)[number];

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const only = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : [...ALL];
const unknown = only.filter((s) => !(ALL as readonly string[]).includes(s));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (choose from ${ALL.join(', ')})`);
  process.exit(2);
}
const selected = ALL.filter((n) => only.includes(n));

const sizes = quick
  ? {
      payments: 20,
      receipts: 100,
      lookup: [{ invoices: 10_000, customers: 2_000 }],
      lookupQueries: 300,
      syncInvoices: 2_000,
      changes: 200,
      outboxItems: 200,
    }
  : {
      payments: 150,
      receipts: 1000,
      lookup: [
        { invoices: 100_000, customers: 20_000 },
        { invoices: 1_000_000, customers: 200_000 },
      ],
      lookupQueries: 3000,
      syncInvoices: 100_000,
      changes: 1_000,
      outboxItems: 10_000,
    };

interface Summary {
  latency?: LatencyRow[];
  payments?: { app: number; floor: number; ratio: number };
  receipts?: ReceiptsBenchResult;
  page?: PageBenchResult;
  lookup?: { p99Max: number; at: string };
  sync?: SyncBenchResult;
  outbox?: OutboxBenchResult;
}
const summary: Summary = {};
const failures: { name: Name; error: string }[] = [];
const seconds: Partial<Record<Name, number>> = {};

async function runLookup(): Promise<Summary['lookup']> {
  const rows = await benchLookup({ sizes: sizes.lookup, queriesPerKind: sizes.lookupQueries });
  const largest = sizes.lookup.at(-1)!;
  const at = rows.filter((r) => r.size.invoices === largest.invoices && r.size.customers === largest.customers);
  return {
    p99Max: Math.max(...at.map((r) => r.p99)),
    at: `${largest.invoices.toLocaleString('en-US')} inv / ${largest.customers.toLocaleString('en-US')} cus`,
  };
}

const started = performance.now();
console.log(`Benchmarks${quick ? ' (--quick: small sizes, a smoke run; figures are not the targets)' : ''}: ${selected.join(', ')}`);
console.log('Wall-clock timings on a shared machine; others may be running tests: compare within this run.');
if (!quick && (selected.includes('sync') || selected.includes('outbox'))) {
  console.log(
    'Full-size sync and outbox take hours today (sandbox lists are O(all objects) per page; outbox nextDue grows with queued × sent); they print progress.',
  );
}
for (const name of selected) {
  const t0 = performance.now();
  console.log(`\n=== ${name} ${'='.repeat(Math.max(0, 60 - name.length))}`);
  try {
    switch (name) {
      case 'latency':
        summary.latency = await benchLatency({ rounds: quick ? 2 : 5 });
        break;
      case 'payments':
        summary.payments = await benchPayments({ payments: sizes.payments });
        break;
      case 'page':
        summary.page = await benchPayNowToInteractive({ runs: quick ? 5 : 30 });
        break;
      case 'receipts':
        summary.receipts = await benchReceipts({ iterations: sizes.receipts });
        break;
      case 'lookup':
        summary.lookup = await runLookup();
        break;
      case 'sync':
        summary.sync = await benchSync({ invoices: sizes.syncInvoices, changes: sizes.changes });
        break;
      case 'outbox':
        summary.outbox = await benchOutboxDrain({ items: sizes.outboxItems });
        break;
    }
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    failures.push({ name, error: err instanceof Error ? err.message : String(err) });
    console.error(`${name} FAILED: ${error}`);
  }
  seconds[name] = (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------------------------------------
// One screen.
const mark = (ok: boolean | null) => (ok === null ? '  ' : ok ? 'ok' : '!!');
const lines: [boolean | null, string, string][] = [];
const s = summary;
for (const r of s.latency ?? [])
  lines.push([
    r.appCalls <= r.floorCalls,
    `${r.flow} at 300 ms/call`,
    `${r.appCalls} sequential calls (${(r.appMs / 1000).toFixed(2)} s) vs floor ${r.floorCalls} (${(r.floorMs / 1000).toFixed(2)} s)`,
  ]);
if (s.payments)
  lines.push([
    s.payments.ratio <= 1.25,
    'payment, saved card',
    `app ${s.payments.app.toFixed(1)} ms vs floor ${s.payments.floor.toFixed(1)} ms = ${s.payments.ratio.toFixed(2)}× (target ≤ 1.25×)`,
  ]);
if (s.page)
  lines.push([null, 'Pay Now → page interactive', `p50 ${s.page.p50.toFixed(1)} ms, p95 ${s.page.p95.toFixed(1)} ms (Chromium, preview)`]);
if (s.receipts)
  lines.push([
    null,
    'receipt render p50/p95',
    s.receipts.formats.map((f) => `${f.format} ${f.p50.toFixed(2)}/${f.p95.toFixed(2)} ms`).join(', '),
  ]);
if (s.lookup)
  lines.push([
    quick ? null : s.lookup.p99Max < 5,
    'lookup worst p99',
    `${s.lookup.p99Max.toFixed(2)} ms at ${s.lookup.at}${quick ? '' : ' (target < 5 ms at 1M)'}`,
  ]);
if (s.sync) {
  const y = s.sync;
  lines.push([
    null,
    'sync full load',
    `${Math.round(y.full.invoicesPerSec).toLocaleString('en-US')} invoices/s vs floor ${Math.round(y.floor.invoicesPerSec).toLocaleString('en-US')}/s (${(y.full.invoiceMs / y.floor.invoiceMs).toFixed(2)}×), ${y.full.invoices.toLocaleString('en-US')} invoices in ${(y.full.ms / 1000).toFixed(1)} s`,
  ]);
  lines.push([
    y.missedChanges === 0,
    'sync incremental',
    `${y.incremental.changes} changes in ${y.incremental.ms.toFixed(0)} ms = ${Math.round(y.incremental.changesPerSec).toLocaleString('en-US')}/s, missed ${y.missedChanges}`,
  ]);
}
if (s.outbox) {
  const o = s.outbox;
  lines.push([
    o.duplicates === 0 && o.notSucceeded === 0,
    'outbox drain',
    `${o.itemsPerSec.toFixed(1)} items/s (${o.items.toLocaleString('en-US')} in ${(o.drainMs / 1000).toFixed(1)} s); DUPLICATES ${o.duplicates} (target 0), not succeeded ${o.notSucceeded}`,
  ]);
}
for (const f of failures) lines.push([false, `${f.name} FAILED`, f.error.split('\n')[0]!.slice(0, 100)]);

console.log(`\n=== summary ${'='.repeat(53)}`);
for (const [ok, what, detail] of lines) console.log(` ${mark(ok)} ${what.padEnd(24)} ${detail}`);
console.log(
  `    ran ${selected.map((n) => `${n} ${(seconds[n] ?? 0).toFixed(0)} s`).join(', ')}; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
if (failures.length) process.exitCode = 1;
