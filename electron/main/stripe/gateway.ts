import type Stripe from 'stripe';
import type { Address, Customer, Invoice, InvoiceDetail, MethodSummary, SavedMethod } from '../../shared/contract';
import type { Clock } from '../services/clock';
import { canonicalInvoiceNumber } from '../../shared/invoice-number';
import { StripeClient, type CallOptions, type GatewayOptions } from './client';
import type { GatewayError } from './errors';
import { SyncFeed } from './sync-feed';
import { GUARD_EXPAND, toGuardedInvoice, toHold, type GuardedInvoice, type InvoiceHold } from './invoice-holds';
import { toCustomer, toInvoice, toInvoiceDetail } from './mappers';
import { retrieveIntentDetails, retrieveRecordDetails, type IntentDetails, type RecordDetails } from './payment-details';
import {
  toIntentView,
  toMethodSummary,
  toSavedMethod,
  type BillingDetails,
  type ConfirmIntent,
  type IntentView,
  type NewBankAccount,
  type NewCard,
  type NewIntent,
} from './payments';

export { GatewayError, type GatewayErrorKind } from './errors';
export type { FeedEvent, PaymentRecordView, SyncedCustomer, SyncFeed } from './sync-feed';
export type { BillingDetails, ConfirmIntent, IntentView, NewBankAccount, NewCard, NewIntent } from './payments';
export type { GuardedInvoice, InvoiceHold } from './invoice-holds';

/**
 * A charge in one request: the intent created (and, with `confirm`, confirmed) with its method: a
 * saved one by id, or new details inline (training mode only; live mode uses the Payment Element).
 */
export interface NewCharge extends NewIntent {
  paymentMethodId?: string;
  card?: NewCard;
  bankAccount?: NewBankAccount;
  billing?: BillingDetails;
  confirm: boolean;
  /** Authorize now, capture after the invoice guard agreed (cards; a bank debit cannot be held). */
  captureManual: boolean;
  /** A saved method charged without the customer in Stripe's own flow (3-D Secure cannot be asked for). */
  offSession: boolean;
  /** ACH: the customer's acceptance of the mandate. */
  mandate: { ipAddress: string; userAgent: string } | null;
}
export type { EmvReceiptFields, IntentDetails, PaidWith, RecordDetails } from './payment-details';

export type { CallOptions, GatewayOptions, StripeEndpoint } from './client';

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
  private readonly client: StripeClient;
  private readonly stripe: Stripe;
  private readonly clock: Clock;

  /** What the local-copy sync reads. */
  readonly feed: SyncFeed;

  constructor(opts: GatewayOptions) {
    this.client = new StripeClient(opts);
    this.stripe = this.client.stripe;
    this.clock = opts.clock;
    this.feed = new SyncFeed(this.client);
  }

  /** A light call, for the connectivity check. */
  async ping(): Promise<void> {
    await this.call(() => this.stripe.customers.list({ limit: 1 }));
  }

  async retrieveCustomer(id: string): Promise<Customer | null> {
    try {
      const c = await this.stripe.customers.retrieve(id);
      return c.deleted ? null : toCustomer(c);
    } catch (err) {
      const e = this.error(err);
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
      const e = this.error(err);
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
      await this.call(() => this.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: pm.id } }));
    }
    return pm.id;
  }

  /**
   * Charges part of an invoice to a saved method and records it on the invoice (partial payment).
   * Used by training seeding; the payment service will have its own flow with stored keys.
   */
  async payInvoicePart(
    invoiceId: string,
    customerId: string,
    paymentMethodId: string,
    amount: number,
    currency: string,
    opts: CallOptions = {},
  ): Promise<void> {
    const key = (suffix: string) => (opts.idempotencyKey ? { idempotencyKey: `${opts.idempotencyKey}:${suffix}` } : {});
    const pi = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount,
          currency,
          customer: customerId,
          payment_method: paymentMethodId,
          confirm: true,
          off_session: true,
          allowed_payment_method_types: ['card'],
          metadata: { invoice_id: invoiceId },
        },
        key('intent'),
      ),
    );
    await this.call(() => this.stripe.invoices.attachPayment(invoiceId, { payment_intent: pi.id }, key('attach')));
  }

  // ---- invoices --------------------------------------------------------------------------------

  async retrieveInvoice(id: string): Promise<Invoice | null> {
    try {
      return toInvoice(await this.stripe.invoices.retrieve(id), this.clock.now());
    } catch (err) {
      const e = this.error(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  /** Finds a finalized invoice by its printed number (exact, case-insensitive). */
  async findInvoiceByNumber(number: string): Promise<{ invoice: Invoice; metadata: Record<string, string> } | null> {
    const wanted = canonicalInvoiceNumber(number);
    if (!wanted) return null;
    const found = await this.call(() => this.stripe.invoices.search({ query: `number:'${wanted}'`, limit: 1 }));
    const inv = found.data[0];
    return inv ? { invoice: toInvoice(inv, this.clock.now()), metadata: { ...(inv.metadata ?? {}) } } : null;
  }

  async invoiceMetadata(id: string): Promise<Record<string, string> | null> {
    try {
      return { ...((await this.stripe.invoices.retrieve(id)).metadata ?? {}) };
    } catch (err) {
      const e = this.error(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  /**
   * Invoices whose metadata `key` is `value`, through Stripe's search (one query, paged), at most
   * `max`. Stripe's search index can trail a metadata change by up to a minute.
   */
  async searchInvoicesByMetadata(key: string, value: string, max = 300): Promise<Array<{ id: string; metadata: Record<string, string> }>> {
    const quote = (v: string) => v.replace(/['\\]/g, '');
    const query = `metadata['${quote(key)}']:'${quote(value)}'`;
    const out: Array<{ id: string; metadata: Record<string, string> }> = [];
    let page: string | undefined;
    for (;;) {
      const found = await this.call(() => this.stripe.invoices.search({ query, limit: 100, ...(page ? { page } : {}) }));
      for (const inv of found.data) out.push({ id: inv.id, metadata: { ...(inv.metadata ?? {}) } });
      if (!found.has_more || !found.next_page || out.length >= max) return out.slice(0, max);
      page = found.next_page;
    }
  }

  async setInvoiceMetadata(id: string, metadata: Record<string, string>, opts: CallOptions = {}): Promise<void> {
    await this.call(() => this.stripe.invoices.update(id, { metadata }, opts));
  }

  /** Records a PaymentIntent as a (partial) payment of an invoice; credited when the intent succeeds. */
  async attachPaymentToInvoice(invoiceId: string, paymentIntentId: string, opts: CallOptions = {}): Promise<void> {
    await this.call(() => this.stripe.invoices.attachPayment(invoiceId, { payment_intent: paymentIntentId }, opts));
  }

  // ---- the invoice guard -----------------------------------------------------------------------

  /**
   * Attaches an intent to an invoice and answers the invoice as it is after that, with every payment
   * attached to it and each one's intent status: what the guard decides from. Stripe applies the
   * intent's money to the invoice when it succeeds.
   */
  async registerIntent(invoiceId: string, paymentIntentId: string, opts: CallOptions = {}): Promise<GuardedInvoice> {
    const inv = await this.call(() =>
      this.stripe.invoices.attachPayment(invoiceId, { payment_intent: paymentIntentId, expand: GUARD_EXPAND }, opts),
    );
    return this.withAllHolds(inv);
  }

  /** The invoice now, with every attached payment and its intent status (null when it does not exist). */
  async guardedInvoice(invoiceId: string): Promise<GuardedInvoice | null> {
    try {
      return await this.withAllHolds(await this.stripe.invoices.retrieve(invoiceId, { expand: GUARD_EXPAND }));
    } catch (err) {
      const e = this.error(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  private async withAllHolds(inv: Stripe.Invoice): Promise<GuardedInvoice> {
    const guarded = toGuardedInvoice(inv, this.clock.now());
    if (!guarded.more) return guarded;
    const holds: InvoiceHold[] = [];
    await this.call(async () => {
      for await (const ip of this.stripe.invoicePayments.list({ invoice: inv.id, limit: 100, expand: ['data.payment.payment_intent'] })) {
        holds.push(toHold(ip));
      }
    });
    return { ...guarded, holds, more: false };
  }

  // ---- payment intents -----------------------------------------------------------------------

  /**
   * Creates an intent and (with `confirm`) confirms it in the same request. A decline is not an
   * exception: the intent comes back in requires_payment_method with lastError set.
   */
  async charge(input: NewCharge, opts: CallOptions = {}): Promise<IntentView> {
    const billing = input.billing ? { name: input.billing.name, address: { postal_code: input.billing.postalCode } } : undefined;
    const paymentMethodData: Stripe.PaymentIntentCreateParams.PaymentMethodData | undefined = input.card
      ? ({
          type: 'card',
          card: {
            number: input.card.number.replace(/\s+/g, ''),
            exp_month: input.card.expMonth,
            exp_year: input.card.expYear,
            cvc: input.card.cvc,
          },
          ...(billing ? { billing_details: billing } : {}),
        } as Stripe.PaymentIntentCreateParams.PaymentMethodData)
      : input.bankAccount
        ? {
            type: 'us_bank_account',
            us_bank_account: {
              routing_number: input.bankAccount.routingNumber,
              account_number: input.bankAccount.accountNumber,
              account_holder_type: input.bankAccount.accountHolderType,
              account_type: input.bankAccount.accountType,
            },
            ...(billing ? { billing_details: billing } : {}),
          }
        : undefined;
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency,
          customer: input.customerId,
          allowed_payment_method_types: [input.type],
          description: input.description,
          metadata: input.metadata,
          ...(input.saveForFuture ? { setup_future_usage: 'off_session' as const } : {}),
          ...(input.captureManual ? { capture_method: 'manual' as const } : {}),
          ...(input.paymentMethodId ? { payment_method: input.paymentMethodId } : {}),
          ...(paymentMethodData ? { payment_method_data: paymentMethodData } : {}),
          ...(input.confirm ? { confirm: true } : {}),
          ...(input.confirm && input.offSession ? { off_session: true } : {}),
          ...(input.confirm && input.mandate
            ? {
                mandate_data: {
                  customer_acceptance: {
                    type: 'online' as const,
                    online: { ip_address: input.mandate.ipAddress, user_agent: input.mandate.userAgent },
                  },
                },
              }
            : {}),
          expand: ['payment_method'],
        },
        opts,
      );
      return toIntentView(pi);
    } catch (err) {
      const e = this.error(err);
      if (e.kind === 'card' && e.details.paymentIntentId) return this.retrieveIntent(e.details.paymentIntentId);
      throw e;
    }
  }

  /** Refunds (part of) a succeeded intent. */
  async refundIntent(
    paymentIntentId: string,
    amount: number,
    metadata: Record<string, string>,
    opts: CallOptions = {},
  ): Promise<{ id: string; status: string }> {
    const r = await this.call(() =>
      this.stripe.refunds.create({ payment_intent: paymentIntentId, amount, reason: 'duplicate', metadata }, opts),
    );
    return { id: r.id, status: r.status ?? 'pending' };
  }

  /** Captures an authorized intent (all of it). */
  async captureIntent(id: string, opts: CallOptions = {}): Promise<IntentView> {
    return toIntentView(await this.call(() => this.stripe.paymentIntents.capture(id, { expand: ['payment_method'] }, opts)));
  }

  async createIntent(input: NewIntent, opts: CallOptions = {}): Promise<IntentView> {
    const pi = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency,
          customer: input.customerId,
          allowed_payment_method_types: [input.type],
          description: input.description,
          metadata: input.metadata,
          ...(input.saveForFuture ? { setup_future_usage: 'off_session' as const } : {}),
        },
        opts,
      ),
    );
    return toIntentView(pi);
  }

  async updateIntentAmount(id: string, amount: number, opts: CallOptions = {}): Promise<IntentView> {
    return toIntentView(await this.call(() => this.stripe.paymentIntents.update(id, { amount }, opts)));
  }

  /**
   * Confirms with a payment method. A decline is not an exception here: the intent comes back in
   * requires_payment_method with lastError set, which is what the caller records and shows.
   */
  async confirmIntent(id: string, input: ConfirmIntent, opts: CallOptions = {}): Promise<IntentView> {
    try {
      const pi = await this.stripe.paymentIntents.confirm(
        id,
        {
          payment_method: input.paymentMethodId,
          ...(input.offSession ? { off_session: true } : {}),
          ...(input.saveForFuture ? { setup_future_usage: 'off_session' as const } : {}),
          ...(input.mandate
            ? {
                mandate_data: {
                  customer_acceptance: {
                    type: 'online' as const,
                    online: { ip_address: input.mandate.ipAddress, user_agent: input.mandate.userAgent },
                  },
                },
              }
            : {}),
          expand: ['payment_method'],
        },
        opts,
      );
      return toIntentView(pi);
    } catch (err) {
      const e = this.error(err);
      if (e.kind === 'card' && e.details.paymentIntentId) return this.retrieveIntent(e.details.paymentIntentId);
      throw e;
    }
  }

  /** Cancels an intent that was never paid (a page left after a decline). */
  async cancelIntent(id: string, opts: CallOptions = {}): Promise<IntentView> {
    return toIntentView(await this.call(() => this.stripe.paymentIntents.cancel(id, { cancellation_reason: 'abandoned' }, opts)));
  }

  async retrieveIntent(id: string): Promise<IntentView> {
    return toIntentView(await this.call(() => this.stripe.paymentIntents.retrieve(id, { expand: ['payment_method'] })));
  }

  /** A PaymentIntent as a receipt needs it (latest charge, payment method, customer, invoice); null when there is none. */
  retrievePaymentDetails(id: string): Promise<IntentDetails | null> {
    return retrieveIntentDetails(this.client, id);
  }

  /** A payment record (cash or check another desk reported) as a receipt needs it; null when there is none. */
  retrievePaymentRecordDetails(id: string): Promise<RecordDetails | null> {
    return retrieveRecordDetails(this.client, id);
  }

  async verifyMicrodeposits(id: string, descriptorCode: string, opts: CallOptions = {}): Promise<IntentView> {
    const pi = await this.call(() => this.stripe.paymentIntents.verifyMicrodeposits(id, { descriptor_code: descriptorCode }, opts));
    return this.retrieveIntent(pi.id);
  }

  async listIntentsForCustomer(customerId: string, limit = 100): Promise<IntentView[]> {
    const list = await this.call(() => this.stripe.paymentIntents.list({ customer: customerId, limit, expand: ['data.payment_method'] }));
    return list.data.map(toIntentView);
  }

  // ---- payment methods -----------------------------------------------------------------------

  /** Training mode only: the number goes to the sandbox in this one request and is not kept anywhere. */
  async createCardMethod(card: NewCard, billing: BillingDetails): Promise<string> {
    const pm = await this.call(() =>
      this.stripe.paymentMethods.create({
        type: 'card',
        card: { number: card.number.replace(/\s+/g, ''), exp_month: card.expMonth, exp_year: card.expYear, cvc: card.cvc },
        billing_details: { name: billing.name, address: { postal_code: billing.postalCode } },
      }),
    );
    return pm.id;
  }

  async createBankMethod(bank: NewBankAccount, billing: BillingDetails): Promise<string> {
    const pm = await this.call(() =>
      this.stripe.paymentMethods.create({
        type: 'us_bank_account',
        us_bank_account: {
          routing_number: bank.routingNumber,
          account_number: bank.accountNumber,
          account_holder_type: bank.accountHolderType,
          account_type: bank.accountType,
        },
        billing_details: { name: billing.name, address: { postal_code: billing.postalCode } },
      }),
    );
    return pm.id;
  }

  /** The payment method's owner and summary (null when it does not exist). */
  async retrieveMethod(id: string): Promise<{ customerId: string | null; summary: MethodSummary | null } | null> {
    try {
      const pm = await this.stripe.paymentMethods.retrieve(id);
      return { customerId: typeof pm.customer === 'string' ? pm.customer : (pm.customer?.id ?? null), summary: toMethodSummary(pm) };
    } catch (err) {
      const e = this.error(err);
      if (e.kind === 'not_found') return null;
      throw e;
    }
  }

  async listSavedMethods(customerId: string): Promise<{ methods: SavedMethod[]; defaultMethodId: string | null; autopay: boolean }> {
    const customer = await this.call(() => this.stripe.customers.retrieve(customerId));
    if (customer.deleted) return { methods: [], defaultMethodId: null, autopay: false };
    const def = customer.invoice_settings?.default_payment_method;
    const defaultMethodId = typeof def === 'string' ? def : (def?.id ?? null);
    const methods: SavedMethod[] = [];
    await this.call(async () => {
      for await (const pm of this.stripe.customers.listPaymentMethods(customerId, { limit: 100 })) {
        const saved = toSavedMethod(pm, defaultMethodId);
        if (saved) methods.push(saved);
      }
    });
    return { methods, defaultMethodId, autopay: customer.metadata?.['autopay'] === 'on' };
  }

  async detachMethod(id: string): Promise<void> {
    await this.call(() => this.stripe.paymentMethods.detach(id));
  }

  async setDefaultMethod(customerId: string, paymentMethodId: string | null): Promise<void> {
    await this.call(() =>
      this.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId ?? '' } }),
    );
  }

  async setAutopay(customerId: string, enabled: boolean): Promise<void> {
    await this.call(() => this.stripe.customers.update(customerId, { metadata: { autopay: enabled ? 'on' : 'off' } }));
  }

  // ---- customers -----------------------------------------------------------------------------

  async updateBilling(
    customerId: string,
    update: { email: string; phone: string; address: Address },
    opts: CallOptions = {},
  ): Promise<Customer> {
    const c = await this.call(() =>
      this.stripe.customers.update(
        customerId,
        { email: update.email, phone: update.phone, address: toStripeAddress(update.address) },
        opts,
      ),
    );
    return toCustomer(c);
  }

  async customerPostalCode(customerId: string): Promise<string | null> {
    const c = await this.retrieveCustomer(customerId);
    return c?.address?.postalCode ?? null;
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.call(fn);
  }

  private error(err: unknown): GatewayError {
    return this.client.error(err);
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
