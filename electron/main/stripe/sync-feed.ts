import type Stripe from 'stripe';
import type { Customer, Invoice } from '../../shared/contract';
import type { StripeClient } from './client';
import { toCustomer, toInvoice } from './mappers';
import { toIntentView, type IntentView } from './payments';

/** One change from Stripe's events list, already in the app's own types. */
export type FeedEvent = {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
} & (
  | { kind: 'customer'; customer: Customer }
  | { kind: 'invoice'; invoice: Invoice }
  | { kind: 'payment'; payment: IntentView }
  | { kind: 'payment_method'; customerId: string | null; previousCustomerId: string | null }
  | { kind: 'other' }
);

const idOf = (v: string | { id: string } | null | undefined): string | null =>
  v == null ? null : typeof v === 'string' ? v : v.id;

/**
 * What the sync reads from Stripe: every customer, invoice and payment (list pagination, 100 a
 * page), and the events after a cursor, oldest first.
 */
export class SyncFeed {
  constructor(private readonly client: StripeClient) {}

  private get stripe(): Stripe {
    return this.client.stripe;
  }

  async eachCustomer(onPage: (page: Customer[]) => void): Promise<void> {
    await this.pages((p) => this.stripe.customers.list(p), (c) => toCustomer(c), onPage);
  }

  async eachInvoice(onPage: (page: Invoice[]) => void): Promise<void> {
    const now = this.client.clock.now();
    await this.pages((p) => this.stripe.invoices.list(p), (i) => (i.status === 'draft' ? null : toInvoice(i, now)), onPage);
  }

  /** Every PaymentIntent, or those created in [fromSec, toSec) when a range is given. */
  async eachPayment(onPage: (page: IntentView[]) => void, created?: { fromSec: number; toSec: number }): Promise<void> {
    const range = created ? { created: { gte: created.fromSec, lt: created.toSec } } : {};
    await this.pages((p) => this.stripe.paymentIntents.list({ ...p, ...range, expand: ['data.payment_method'] }), toIntentView, onPage);
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
      onPage([...page.data].reverse().map((e) => this.toFeedEvent(e)));
      before = page.data[0]!.id;
      if (!page.has_more) return;
    }
  }

  private toFeedEvent(e: Stripe.Event): FeedEvent {
    const base = { id: e.id, type: e.type, created: e.created };
    const obj = e.data.object as unknown as { object?: string } & Record<string, unknown>;
    const now = this.client.clock.now();
    switch (obj.object) {
      case 'customer':
        return (obj as unknown as Stripe.Customer).deleted ? { ...base, kind: 'other' } : { ...base, kind: 'customer', customer: toCustomer(obj as unknown as Stripe.Customer) };
      case 'invoice': {
        const inv = obj as unknown as Stripe.Invoice;
        return inv.status === 'draft' ? { ...base, kind: 'other' } : { ...base, kind: 'invoice', invoice: toInvoice(inv, now) };
      }
      case 'payment_intent':
        return { ...base, kind: 'payment', payment: toIntentView(obj as unknown as Stripe.PaymentIntent) };
      case 'payment_method': {
        const prev = (e.data.previous_attributes ?? {}) as { customer?: string | null };
        return { ...base, kind: 'payment_method', customerId: idOf((obj as unknown as Stripe.PaymentMethod).customer), previousCustomerId: prev.customer ?? null };
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
