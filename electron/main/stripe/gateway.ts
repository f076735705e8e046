import Stripe from 'stripe';
import type { Address, Customer, Invoice, InvoiceDetail } from '../../shared/contract';
import type { Clock } from '../services/clock';
import { toGatewayError } from './errors';
import { toCustomer, toInvoice, toInvoiceDetail } from './mappers';

export { GatewayError, type GatewayErrorKind } from './errors';

/** Where the SDK sends requests: Stripe itself (default) or the training sandbox on loopback. */
export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface GatewayOptions {
  secretKey: string;
  endpoint?: StripeEndpoint | undefined;
  clock: Clock;
  /** The SDK's own retries (connection errors, 409, 5xx), each with the same idempotency key. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/** Per-call options. A key that must survive a crash is created and stored by the caller first. */
export interface CallOptions {
  idempotencyKey?: string;
}

export interface NewCustomer {
  name: string;
  email: string;
  phone?: string;
  address?: Address;
  metadata?: Record<string, string>;
}

export interface NewInvoice {
  customerId: string;
  currency: string;
  items: { description: string; amount: number }[];
  /** Unix seconds. */
  dueDate: number;
  metadata?: Record<string, string>;
}

/**
 * The one place that talks to Stripe. Everything else speaks the contract's types and GatewayError.
 * The secret key stays inside this object.
 */
export class StripeGateway {
  private readonly stripe: Stripe;
  private readonly clock: Clock;

  constructor(opts: GatewayOptions) {
    this.clock = opts.clock;
    this.stripe = new Stripe(opts.secretKey, {
      maxNetworkRetries: opts.maxNetworkRetries ?? 2,
      timeout: opts.timeoutMs ?? 20_000,
      appInfo: { name: 'payment-kiosk' },
      telemetry: false,
      ...(opts.endpoint ?? {}),
    });
  }

  async retrieveCustomer(id: string): Promise<Customer | null> {
    try {
      const c = await this.stripe.customers.retrieve(id);
      return c.deleted ? null : toCustomer(c);
    } catch (err) {
      const e = toGatewayError(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  async findCustomerByEmail(email: string): Promise<Customer | null> {
    const list = await this.call(() => this.stripe.customers.list({ email, limit: 1 }));
    const first = list.data[0];
    return first ? toCustomer(first) : null;
  }

  async createCustomer(input: NewCustomer, opts: CallOptions = {}): Promise<Customer> {
    const c = await this.call(() =>
      this.stripe.customers.create(
        {
          name: input.name,
          email: input.email,
          ...(input.phone ? { phone: input.phone } : {}),
          ...(input.address ? { address: toStripeAddress(input.address) } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        opts,
      ),
    );
    return toCustomer(c);
  }

  async listInvoicesForCustomer(customerId: string): Promise<Invoice[]> {
    const now = this.clock.now();
    const out: Invoice[] = [];
    await this.call(async () => {
      for await (const inv of this.stripe.invoices.list({ customer: customerId, limit: 100 })) {
        if (inv.status !== 'draft') out.push(toInvoice(inv, now));
      }
    });
    return out;
  }

  async retrieveInvoiceDetail(id: string): Promise<InvoiceDetail | null> {
    try {
      const inv = await this.stripe.invoices.retrieve(id);
      const lines: Stripe.InvoiceLineItem[] = [];
      for await (const line of this.stripe.invoices.listLineItems(id, { limit: 100 })) lines.push(line);
      return toInvoiceDetail(inv, lines, this.clock.now());
    } catch (err) {
      const e = toGatewayError(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  /** Creates the items and a finalized (open) invoice for them. Used by training-mode seeding. */
  async createOpenInvoice(input: NewInvoice, opts: CallOptions = {}): Promise<Invoice> {
    const key = (suffix: string) => (opts.idempotencyKey ? { idempotencyKey: `${opts.idempotencyKey}:${suffix}` } : {});
    const draft = await this.call(() =>
      this.stripe.invoices.create(
        {
          customer: input.customerId,
          currency: input.currency,
          collection_method: 'send_invoice',
          due_date: input.dueDate,
          auto_advance: false,
          pending_invoice_items_behavior: 'exclude',
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        key('invoice'),
      ),
    );
    const invoiceId = draft.id;
    if (!invoiceId) throw new Error('Stripe returned an invoice without an id');
    for (const [i, item] of input.items.entries()) {
      await this.call(() =>
        this.stripe.invoiceItems.create(
          { customer: input.customerId, invoice: invoiceId, currency: input.currency, amount: item.amount, description: item.description },
          key(`item-${i}`),
        ),
      );
    }
    const open = await this.call(() => this.stripe.invoices.finalizeInvoice(invoiceId, {}, key('finalize')));
    return toInvoice(open, this.clock.now());
  }

  /** Marks an invoice paid outside Stripe (cash, check). */
  async payInvoiceOutOfBand(invoiceId: string, opts: CallOptions = {}): Promise<Invoice> {
    const inv = await this.call(() => this.stripe.invoices.pay(invoiceId, { paid_out_of_band: true }, opts));
    return toInvoice(inv, this.clock.now());
  }

  /** Attaches a saved method to a customer; `makeDefault` sets it as the default for invoices. */
  async attachPaymentMethod(paymentMethodId: string, customerId: string, makeDefault: boolean, opts: CallOptions = {}): Promise<string> {
    const pm = await this.call(() => this.stripe.paymentMethods.attach(paymentMethodId, { customer: customerId }, opts));
    if (makeDefault) {
      await this.call(() =>
        this.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: pm.id } }),
      );
    }
    return pm.id;
  }

  /**
   * Charges part of an invoice to a saved method and records it on the invoice (partial payment).
   * Used by training seeding; the payment service will have its own flow with stored keys.
   */
  async payInvoicePart(invoiceId: string, customerId: string, paymentMethodId: string, amount: number, currency: string, opts: CallOptions = {}): Promise<void> {
    const key = (suffix: string) => (opts.idempotencyKey ? { idempotencyKey: `${opts.idempotencyKey}:${suffix}` } : {});
    const pi = await this.call(() =>
      this.stripe.paymentIntents.create(
        { amount, currency, customer: customerId, payment_method: paymentMethodId, confirm: true, off_session: true, allowed_payment_method_types: ["card"], metadata: { invoice_id: invoiceId } },
        key('intent'),
      ),
    );
    await this.call(() => this.stripe.invoices.attachPayment(invoiceId, { payment_intent: pi.id }, key('attach')));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toGatewayError(err);
    }
  }
}

function toStripeAddress(a: Address): Stripe.AddressParam {
  return {
    line1: a.line1 ?? '',
    line2: a.line2 ?? '',
    city: a.city ?? '',
    state: a.state ?? '',
    postal_code: a.postalCode ?? '',
    country: a.country ?? 'US',
  };
}
