import type Stripe from 'stripe';
import type { Customer, Invoice, MethodSummary } from '../../shared/contract';
import type { StripeClient } from './client';
import { toCustomer, toInvoice } from './mappers';
import { toIntentView, toMethodSummary, type IntentView } from './payments';

/** A customer as the local copy keeps it: with Stripe's balance (negative: credit for the next invoice). */
export type SyncedCustomer = Customer & { balance: { amount: number; currency: string | null } };

function toSyncedCustomer(c: Stripe.Customer): SyncedCustomer {
  return { ...toCustomer(c), balance: { amount: c.balance ?? 0, currency: c.currency ?? null } };
}

/** One change from Stripe's events list, already in the app's own types. */
export type FeedEvent = {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
} & (
  | { kind: 'customer'; customer: SyncedCustomer }
  | { kind: 'invoice'; invoice: Invoice }
  | { kind: 'payment'; payment: IntentView }
  | { kind: 'payment_method'; customerId: string | null; previousCustomerId: string | null }
  /** An invoice was paid by a payment record (cash or check from a desk); `record` is read after the page. */
  | { kind: 'payment_record'; recordId: string; record: PaymentRecordView | null }
  | { kind: 'other' }
);

/** A payment record as the end-of-day report needs it. */
export interface PaymentRecordView {
  id: string;
  customerId: string | null;
  amount: number;
  currency: string;
  /** Unix seconds. */
  created: number;
  outcome: 'guaranteed' | 'failed' | 'canceled' | 'other';
  metadata: Record<string, string>;
}

function toPaymentRecordView(r: Stripe.PaymentRecord): PaymentRecordView {
  const outcome =
    r.amount_guaranteed.value > 0
      ? 'guaranteed'
      : r.amount_failed.value > 0
        ? 'failed'
        : r.amount_canceled.value > 0
          ? 'canceled'
          : 'other';
  return {
    id: r.id,
    customerId: r.customer_details?.customer ?? null,
    amount: r.amount_requested.value,
    currency: r.amount_requested.currency,
    created: r.created,
    outcome,
    metadata: { ...(r.metadata ?? {}) },
  };
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

/**
 * What the sync reads from Stripe: every customer, invoice and payment (list pagination, 100 a
 * page), and the events after a cursor, oldest first.
 */
export class SyncFeed {
  constructor(private readonly client: StripeClient) {}

  private get stripe(): Stripe {
    return this.client.stripe;
  }

  async eachCustomer(onPage: (page: SyncedCustomer[]) => void): Promise<void> {
    await this.pages(
      (p) => this.stripe.customers.list(p),
      (c) => toSyncedCustomer(c),
      onPage,
    );
  }

  async eachInvoice(onPage: (page: Invoice[]) => void): Promise<void> {
    const now = this.client.clock.now();
    await this.pages(
      (p) => this.stripe.invoices.list(p),
      (i) => (i.status === 'draft' ? null : toInvoice(i, now)),
      onPage,
    );
  }

  /** Every PaymentIntent, or those created in [fromSec, toSec) when a range is given. */
  async eachPayment(onPage: (page: IntentView[]) => void, created?: { fromSec: number; toSec: number }): Promise<void> {
    const range = created ? { created: { gte: created.fromSec, lt: created.toSec } } : {};
    await this.pages((p) => this.stripe.paymentIntents.list({ ...p, ...range, expand: ['data.payment_method'] }), toIntentView, onPage);
  }

  /**
   * Payments reported to Stripe as payment records (cash and checks taken at a desk) created after
   * `afterSec` and before `beforeSec`, with their outcome.
   */
  async eachPaymentRecord(onPage: (page: PaymentRecordView[]) => void, created?: { afterSec: number; beforeSec: number }): Promise<void> {
    const range = created ? { created_after: created.afterSec, created_before: created.beforeSec } : {};
    await this.pages((p) => this.stripe.paymentRecords.list({ ...p, ...range }), toPaymentRecordView, onPage);
  }

  /** The newest event's id and time, to start the incremental sync from after a full load. */
  async latestEvent(): Promise<{ id: string; created: number } | null> {
    const list = await this.client.call(() => this.stripe.events.list({ limit: 1 }));
    const e = list.data[0];
    return e ? { id: e.id, created: e.created } : null;
  }

  async eventCreated(id: string): Promise<number | null> {
    try {
      return (await this.stripe.events.retrieve(id)).created;
    } catch (err) {
      const e = this.client.error(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  /** Events newer than the cursor, a page at a time, each page oldest first. */
  async eachEventAfter(cursor: string, onPage: (events: FeedEvent[]) => void): Promise<void> {
    let before = cursor;
    for (;;) {
      const page = await this.client.call(() => this.stripe.events.list({ ending_before: before, limit: 100 }));
      if (page.data.length === 0) return;
      const events = [...page.data].reverse().map((e) => this.toFeedEvent(e));
      await this.fillMethods(events);
      await this.fillRecords(events);
      onPage(events);
      before = page.data[0]!.id;
      if (!page.has_more) return;
    }
  }

  /**
   * An event's PaymentIntent names its payment method by id only (events are never expanded), and a
   * payment without its method summary cannot go into the local copy: read each method once.
   */
  private async fillMethods(events: FeedEvent[]): Promise<void> {
    const read = new Map<string, Promise<MethodSummary | null>>();
    for (const e of events) {
      if (e.kind !== 'payment' || e.payment.method || !e.payment.paymentMethodId) continue;
      const id = e.payment.paymentMethodId;
      if (!read.has(id)) read.set(id, this.methodSummary(id));
      e.payment.method = await read.get(id)!;
    }
  }

  /** An invoice payment names its payment record by id: read each one (cash and checks are few). */
  private async fillRecords(events: FeedEvent[]): Promise<void> {
    for (const e of events) {
      if (e.kind !== 'payment_record') continue;
      try {
        e.record = toPaymentRecordView(await this.stripe.paymentRecords.retrieve(e.recordId));
      } catch (err) {
        const g = this.client.error(err);
        if (g.kind !== 'not_found') throw g;
      }
    }
  }

  private async methodSummary(id: string): Promise<MethodSummary | null> {
    try {
      return toMethodSummary(await this.stripe.paymentMethods.retrieve(id));
    } catch (err) {
      const e = this.client.error(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  private toFeedEvent(e: Stripe.Event): FeedEvent {
    const base = { id: e.id, type: e.type, created: e.created };
    const obj = e.data.object as unknown as { object?: string } & Record<string, unknown>;
    const now = this.client.clock.now();
    switch (obj.object) {
      case 'customer':
        return (obj as unknown as Stripe.Customer).deleted
          ? { ...base, kind: 'other' }
          : { ...base, kind: 'customer', customer: toSyncedCustomer(obj as unknown as Stripe.Customer) };
      case 'invoice': {
        const inv = obj as unknown as Stripe.Invoice;
        return inv.status === 'draft' ? { ...base, kind: 'other' } : { ...base, kind: 'invoice', invoice: toInvoice(inv, now) };
      }
      case 'payment_intent':
        return { ...base, kind: 'payment', payment: toIntentView(obj as unknown as Stripe.PaymentIntent) };
      case 'invoice_payment': {
        const payment = (obj as unknown as Stripe.InvoicePayment).payment;
        return payment.type === 'payment_record' && payment.payment_record
          ? { ...base, kind: 'payment_record', recordId: idOf(payment.payment_record)!, record: null }
          : { ...base, kind: 'other' };
      }
      case 'payment_method': {
        const prev = (e.data.previous_attributes ?? {}) as { customer?: string | null };
        return {
          ...base,
          kind: 'payment_method',
          customerId: idOf((obj as unknown as Stripe.PaymentMethod).customer),
          previousCustomerId: prev.customer ?? null,
        };
      }
      default:
        return { ...base, kind: 'other' };
    }
  }

  private async pages<T extends { id: string }, U>(
    list: (p: { limit: number; starting_after?: string }) => Promise<Stripe.ApiList<T>>,
    map: (item: T) => U | null,
    onPage: (page: U[]) => void,
  ): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const page = await this.client.call(() => list({ limit: 100, ...(after ? { starting_after: after } : {}) }));
      onPage(page.data.map(map).filter((x): x is U => x !== null));
      if (!page.has_more || page.data.length === 0) return;
      after = page.data.at(-1)!.id;
    }
  }
}
