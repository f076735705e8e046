import type { FeedEvent, IntentView, PaymentRecordView, SyncFeed } from '../../stripe/gateway';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { LocalStore } from '../local-store/local-store';
import type { PaymentMethodSummary, PaymentRecord } from '../local-store/types';
import { statusOf } from '../payments/history-service';

/** Stripe keeps events for 30 days: a sync older than that cannot be caught up from events. */
export const EVENT_RETENTION_MS = 30 * 86_400_000;

export interface SyncReport {
  mode: 'full' | 'incremental';
  customers: number;
  invoices: number;
  payments: number;
  events: number;
  skipped: number;
  ms: number;
}

type Feed = Pick<SyncFeed, 'eachCustomer' | 'eachInvoice' | 'eachPayment' | 'eachPaymentRecord' | 'latestEvent' | 'eachEventAfter'>;

/**
 * Keeps the local copy fresh: a first full load through list pagination, then incremental sync
 * from Stripe's events after a cursor kept in SQLite. A cursor Stripe no longer has, or a last
 * sync older than Stripe's 30 days of events, falls back to a full reload. An event type the sync
 * does not know is skipped and logged; the sync goes on.
 */
export class SyncService {
  private running: Promise<SyncReport> | null = null;

  constructor(
    private readonly deps: {
      feed: Feed;
      store: LocalStore;
      clock: Clock;
      log: Logger;
      /** A customer's saved methods, read from Stripe (after payment_method events). */
      methodsFor: (customerId: string) => Promise<PaymentMethodSummary[]>;
    },
  ) {}

  /** Resolves when no sync is running (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** One sync, full or incremental as needed. Concurrent calls share the one in progress. */
  runOnce(): Promise<SyncReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<SyncReport> {
    const state = this.deps.store.getSyncState();
    const now = this.deps.clock.now();
    const stale = state.lastSyncAt === null || now - state.lastSyncAt > EVENT_RETENTION_MS;
    if (!state.cursor || !state.lastFullLoadAt || stale) return this.fullLoad();
    try {
      return await this.incremental(state.cursor);
    } catch (err) {
      if (err instanceof Error && 'kind' in err && (err as { kind: string }).kind === 'not_found') {
        this.deps.log.warn('sync cursor is gone from Stripe; reloading everything');
        return this.fullLoad();
      }
      throw err;
    }
  }

  async fullLoad(): Promise<SyncReport> {
    const { feed, store, clock } = this.deps;
    const started = clock.now();
    const report: SyncReport = { mode: 'full', customers: 0, invoices: 0, payments: 0, events: 0, skipped: 0, ms: 0 };
    // Remember where the event stream is now: changes made during the load are replayed after it.
    const latest = await feed.latestEvent();
    // What is loaded is at least as new as the cursor event, so events after it (same second or later) win.
    const version = (latest?.created ?? 0) * 1000;
    const customerIds: string[] = [];
    await feed.eachCustomer((page) => {
      store.upsertCustomers(page, { version });
      report.customers += page.length;
      for (const c of page) customerIds.push(c.id);
    });
    await feed.eachInvoice((page) => {
      store.upsertInvoices(page, { version });
      report.invoices += page.length;
    });
    await feed.eachPayment((page) => {
      const records = page.flatMap((pi) => toRecord(pi) ?? []);
      store.upsertPayments(records, { version });
      report.payments += records.length;
    });
    // Cash and checks every desk reported (payment records), so they show in history everywhere.
    await feed.eachPaymentRecord((page) => {
      const records = page.flatMap((r) => toOfflineRecord(r) ?? []);
      store.upsertPayments(records, { version });
      report.payments += records.length;
    });
    // Saved-method summaries, so a customer can pay with one while offline (one call per customer).
    for (const id of customerIds) store.upsertPaymentMethods(id, await this.deps.methodsFor(id), { version });
    store.setSyncState({ cursor: latest?.id ?? null, lastFullLoadAt: clock.now(), lastSyncAt: clock.now() });
    if (latest) {
      const more = await this.incremental(latest.id);
      report.events = more.events;
      report.skipped = more.skipped;
    }
    report.ms = clock.now() - started;
    this.deps.log.info('local copy fully loaded', { ...report });
    return report;
  }

  private async incremental(cursor: string): Promise<SyncReport> {
    const { feed, store, clock, log } = this.deps;
    const started = clock.now();
    const report: SyncReport = { mode: 'incremental', customers: 0, invoices: 0, payments: 0, events: 0, skipped: 0, ms: 0 };
    const methodsToRefresh = new Set<string>();
    await feed.eachEventAfter(cursor, (events) => {
      for (const e of events) this.apply(e, report, methodsToRefresh);
      // The cursor moves only after the page is applied; a crash re-applies, which is harmless (versions).
      store.setSyncState({ cursor: events.at(-1)!.id, lastSyncAt: clock.now() });
    });
    for (const customerId of methodsToRefresh) {
      store.upsertPaymentMethods(customerId, await this.deps.methodsFor(customerId));
    }
    store.setSyncState({ lastSyncAt: clock.now() });
    report.ms = clock.now() - started;
    if (report.skipped) log.info('sync skipped events it does not use', { skipped: report.skipped });
    return report;
  }

  private apply(e: FeedEvent, report: SyncReport, methodsToRefresh: Set<string>): void {
    const { store } = this.deps;
    const version = e.created * 1000;
    report.events++;
    switch (e.kind) {
      case 'customer':
        store.upsertCustomers([e.customer], { version });
        report.customers++;
        return;
      case 'invoice':
        store.upsertInvoices([e.invoice], { version });
        report.invoices++;
        return;
      case 'payment': {
        const record = toRecord(e.payment);
        if (record) {
          store.upsertPayments([record], { version });
          report.payments++;
        }
        return;
      }
      case 'payment_record': {
        const record = e.record ? toOfflineRecord(e.record) : null;
        if (record) {
          store.upsertPayments([record], { version });
          report.payments++;
        } else report.skipped++;
        return;
      }
      case 'payment_method':
        for (const id of [e.customerId, e.previousCustomerId]) if (id) methodsToRefresh.add(id);
        return;
      default:
        report.skipped++;
    }
  }
}

/** A PaymentIntent as the local copy keeps it (summaries only). */
export function toRecord(pi: IntentView): PaymentRecord | null {
  const status = statusOf(pi);
  if (!status || !pi.customerId || !pi.method) return null;
  return {
    id: pi.id,
    customerId: pi.customerId,
    invoiceId: pi.invoiceId || null,
    amount: pi.amount,
    currency: pi.currency,
    status: status === 'requires_verification' ? 'processing' : status,
    method: {
      type: pi.method.type,
      ...(pi.method.brand ? { brand: pi.method.brand } : {}),
      ...(pi.method.last4 ? { last4: pi.method.last4 } : {}),
      ...(pi.method.bankName ? { bankName: pi.method.bankName } : {}),
    },
    created: pi.created,
    stationId: pi.metadata['station_id'] || null,
    staffId: pi.metadata['staff_id'] || null,
  };
}

/**
 * A cash or check payment record (reported by a desk, metadata method / invoice_id / taken_at /
 * station_id / staff_id) as the local copy keeps it; null for records that are not a desk's.
 */
export function toOfflineRecord(r: PaymentRecordView): PaymentRecord | null {
  const method = r.metadata['method'];
  if ((method !== 'cash' && method !== 'check') || !r.customerId) return null;
  if (r.outcome !== 'guaranteed' && r.outcome !== 'failed') return null;
  return {
    id: r.id,
    customerId: r.customerId,
    invoiceId: r.metadata['invoice_id'] || null,
    amount: r.amount,
    currency: r.currency,
    status: r.outcome === 'guaranteed' ? 'succeeded' : 'failed',
    method: { type: method },
    created: Number(r.metadata['taken_at']) || r.created,
    stationId: r.metadata['station_id'] || null,
    staffId: r.metadata['staff_id'] || null,
  };
}
