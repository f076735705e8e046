/**
 * The Terminal side of Stripe (server-driven readers, card_present intents, refunds, payment
 * records for cash and checks). Like StripeGateway it is the only place these SDK calls happen;
 * callers get plain domain types and GatewayError.
 */
import type Stripe from 'stripe';
import type { Clock } from '../services/clock';
import { StripeClient, type CallOptions, type GatewayOptions } from './client';

export type TerminalGatewayOptions = GatewayOptions;
export type { CallOptions };

export interface LocationView {
  id: string;
  displayName: string;
}

export type ReaderActionStatus = 'in_progress' | 'succeeded' | 'failed';

export interface ReaderActionView {
  type: string;
  status: ReaderActionStatus;
  /** The PaymentIntent a process_payment_intent action is about. */
  paymentIntentId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** From the action's api_error when the failure came from the card network (a decline). */
  declineCode: string | null;
}

export interface ReaderView {
  id: string;
  label: string;
  status: 'online' | 'offline' | 'unknown';
  /** Stripe's device type as sent (`simulated_wisepos_e`, `bbpos_wisepos_e`, `stripe_s700`, ...). */
  deviceType: string;
  /** The model without the `simulated_` prefix: `bbpos_wisepos_e`, `stripe_s700`, ... */
  model: string;
  simulated: boolean;
  locationId: string | null;
  serialNumber: string;
  action: ReaderActionView | null;
}

export interface CardPresentReceipt {
  applicationPreferredName: string | null;
  dedicatedFileName: string | null;
  authorizationCode: string | null;
  authorizationResponseCode: string | null;
  accountType: string | null;
  applicationCryptogram: string | null;
  terminalVerificationResults: string | null;
  transactionStatusInformation: string | null;
  cardholderVerificationMethod: string | null;
  readMethod: string | null;
}

export interface TerminalIntentView {
  id: string;
  status: string;
  customerId: string | null;
  /** Unix seconds. */
  created: number;
  amount: number;
  currency: string;
  amountCapturable: number;
  amountReceived: number;
  metadata: Record<string, string>;
  lastError: { code: string | null; declineCode: string | null; message: string | null } | null;
  /** The latest charge's card_present details, once a card was read. */
  card: { brand: string | null; last4: string | null; receipt: CardPresentReceipt | null } | null;
  chargeId: string | null;
  /** What can still be refunded: charge amount minus amount_refunded (0 without a captured charge). */
  refundable: number;
}

export interface NewTerminalIntent {
  amount: number;
  currency: string;
  customerId: string | null;
  description?: string;
  metadata: Record<string, string>;
}

export interface RefundView {
  id: string;
  amount: number;
  currency: string;
  status: string | null;
  paymentIntentId: string | null;
  chargeId: string | null;
  reason: string | null;
  metadata: Record<string, string>;
}

/** A change to a customer's credit balance (Stripe's sign: negative is credit for the next invoice). */
export interface BalanceTransactionView {
  id: string;
  amount: number;
  currency: string;
  /** The customer's balance right after this transaction. */
  endingBalance: number;
  /** Unix seconds (Stripe's clock). */
  created: number;
  metadata: Record<string, string>;
}

export interface OfflinePayment {
  amount: number;
  currency: string;
  /** Shown on Stripe's side: "Cash", "Check #1234". */
  displayName: string;
  customerId: string | null;
  /** Unix seconds. */
  initiatedAt: number;
  metadata: Record<string, string>;
  reference?: string;
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

export function toReaderView(r: Stripe.Terminal.Reader): ReaderView {
  const a = r.action;
  const deviceType = String(r.device_type);
  const simulated = deviceType.startsWith('simulated_');
  let model = simulated ? deviceType.slice('simulated_'.length) : deviceType;
  if (model === 'wisepos_e') model = 'bbpos_wisepos_e';
  return {
    id: r.id,
    label: r.label,
    status: r.status === 'online' ? 'online' : r.status === 'offline' ? 'offline' : 'unknown',
    deviceType,
    model,
    simulated,
    locationId: idOf(r.location),
    serialNumber: r.serial_number,
    action: a
      ? {
          type: String(a.type),
          status: (a.status === 'in_progress' || a.status === 'succeeded' ? a.status : 'failed') as ReaderActionStatus,
          paymentIntentId: idOf(a.process_payment_intent?.payment_intent),
          failureCode: a.failure_code,
          failureMessage: a.failure_message,
          declineCode: a.api_error?.decline_code ?? null,
        }
      : null,
  };
}

export function toTerminalIntentView(pi: Stripe.PaymentIntent): TerminalIntentView {
  const charge = pi.latest_charge && typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const cp = charge?.payment_method_details?.card_present ?? null;
  const r = cp?.receipt ?? null;
  const err = pi.last_payment_error;
  const captured = charge?.status === 'succeeded' && charge.captured;
  return {
    id: pi.id,
    status: pi.status,
    customerId: idOf(pi.customer),
    created: pi.created,
    amount: pi.amount,
    currency: pi.currency,
    amountCapturable: pi.amount_capturable,
    amountReceived: pi.amount_received,
    metadata: { ...(pi.metadata ?? {}) },
    lastError: err ? { code: err.code ?? null, declineCode: err.decline_code ?? null, message: err.message ?? null } : null,
    card: cp
      ? {
          brand: cp.brand,
          last4: cp.last4,
          receipt: r
            ? {
                applicationPreferredName: r.application_preferred_name,
                dedicatedFileName: r.dedicated_file_name,
                authorizationCode: r.authorization_code,
                authorizationResponseCode: r.authorization_response_code,
                accountType: r.account_type ?? null,
                applicationCryptogram: r.application_cryptogram,
                terminalVerificationResults: r.terminal_verification_results,
                transactionStatusInformation: r.transaction_status_information,
                cardholderVerificationMethod: r.cardholder_verification_method,
                readMethod: cp.read_method,
              }
            : null,
        }
      : null,
    chargeId: charge?.id ?? idOf(pi.latest_charge),
    refundable: captured && charge ? charge.amount - charge.amount_refunded : 0,
  };
}

function toRefundView(r: Stripe.Refund): RefundView {
  return {
    id: r.id,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    paymentIntentId: idOf(r.payment_intent),
    chargeId: idOf(r.charge),
    reason: r.reason,
    metadata: { ...(r.metadata ?? {}) },
  };
}

export class TerminalGateway {
  private readonly client: StripeClient;
  private readonly stripe: Stripe;
  readonly clock: Clock;

  constructor(opts: TerminalGatewayOptions) {
    this.client = new StripeClient(opts);
    this.stripe = this.client.stripe;
    this.clock = opts.clock;
  }

  // ---- locations, readers, connection tokens ---------------------------------------------------

  async listLocations(): Promise<LocationView[]> {
    const out: LocationView[] = [];
    await this.call(async () => {
      for await (const l of this.stripe.terminal.locations.list({ limit: 100 })) out.push({ id: l.id, displayName: l.display_name });
    });
    return out;
  }

  async createLocation(
    input: { displayName: string; country: string; line1?: string; city?: string; state?: string; postalCode?: string },
    opts: CallOptions = {},
  ): Promise<LocationView> {
    const l = await this.call(() =>
      this.stripe.terminal.locations.create(
        {
          display_name: input.displayName,
          address: {
            country: input.country,
            ...(input.line1 ? { line1: input.line1 } : {}),
            ...(input.city ? { city: input.city } : {}),
            ...(input.state ? { state: input.state } : {}),
            ...(input.postalCode ? { postal_code: input.postalCode } : {}),
          },
        },
        opts,
      ),
    );
    return { id: l.id, displayName: l.display_name };
  }

  async registerReader(
    input: { registrationCode: string; label: string; locationId: string },
    opts: CallOptions = {},
  ): Promise<ReaderView> {
    const r = await this.call(() =>
      this.stripe.terminal.readers.create(
        { registration_code: input.registrationCode, label: input.label, location: input.locationId },
        opts,
      ),
    );
    return toReaderView(r);
  }

  async listReaders(): Promise<ReaderView[]> {
    const out: ReaderView[] = [];
    await this.call(async () => {
      for await (const r of this.stripe.terminal.readers.list({ limit: 100 })) out.push(toReaderView(r));
    });
    return out;
  }

  async retrieveReader(id: string): Promise<ReaderView | null> {
    const r = await this.call(() => this.stripe.terminal.readers.retrieve(id));
    return r.deleted ? null : toReaderView(r);
  }

  async createConnectionToken(locationId?: string): Promise<{ secret: string; locationId: string | null }> {
    const t = await this.call(() => this.stripe.terminal.connectionTokens.create(locationId ? { location: locationId } : {}));
    return { secret: t.secret, locationId: t.location ?? null };
  }

  // ---- server-driven payments --------------------------------------------------------------------

  /** Also answers the intent's client secret, which only the Terminal JS SDK in the renderer needs (collectPaymentMethod). */
  async createTerminalIntent(
    input: NewTerminalIntent,
    opts: CallOptions = {},
  ): Promise<TerminalIntentView & { clientSecret: string | null }> {
    const pi = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency,
          allowed_payment_method_types: ['card_present'],
          capture_method: 'manual',
          ...(input.customerId ? { customer: input.customerId } : {}),
          ...(input.description ? { description: input.description } : {}),
          metadata: input.metadata,
        },
        opts,
      ),
    );
    return { ...toTerminalIntentView(pi), clientSecret: pi.client_secret };
  }

  /** Cancels an intent that was not captured (an uncaptured authorization is released). */
  async cancelIntent(id: string, opts: CallOptions = {}): Promise<TerminalIntentView> {
    await this.call(() => this.stripe.paymentIntents.cancel(id, {}, opts));
    return this.retrieveIntent(id);
  }

  async retrieveIntent(id: string): Promise<TerminalIntentView> {
    const pi = await this.call(() => this.stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] }));
    return toTerminalIntentView(pi);
  }

  /** Starts the reader; `replayed` is true when Stripe answered from an earlier request with the same key. */
  async processPaymentIntent(
    readerId: string,
    paymentIntentId: string,
    opts: CallOptions = {},
  ): Promise<{ reader: ReaderView; replayed: boolean }> {
    const r = await this.call(() => this.stripe.terminal.readers.processPaymentIntent(readerId, { payment_intent: paymentIntentId }, opts));
    const replayed = String(r.lastResponse?.headers?.['idempotent-replayed'] ?? '') === 'true';
    return { reader: toReaderView(r), replayed };
  }

  async cancelAction(readerId: string): Promise<ReaderView> {
    const r = await this.call(() => this.stripe.terminal.readers.cancelAction(readerId));
    if (r.deleted) throw this.client.error(new Error(`Reader ${readerId} was deleted`));
    return toReaderView(r);
  }

  /** Test mode only: plays a card tapped on a simulated reader (`number` defaults to 4242 4242 4242 4242). */
  async presentPaymentMethod(readerId: string, card: { number?: string; amountTip?: number } = {}): Promise<ReaderView> {
    const r = await this.call(() =>
      this.stripe.testHelpers.terminal.readers.presentPaymentMethod(readerId, {
        type: 'card_present',
        ...(card.number ? { card_present: { number: card.number } } : {}),
        ...(card.amountTip ? { amount_tip: card.amountTip } : {}),
      }),
    );
    return toReaderView(r);
  }

  async captureIntent(id: string, opts: CallOptions = {}): Promise<TerminalIntentView> {
    await this.call(() => this.stripe.paymentIntents.capture(id, {}, opts));
    return this.retrieveIntent(id);
  }

  async attachIntentToInvoice(invoiceId: string, paymentIntentId: string, opts: CallOptions = {}): Promise<void> {
    await this.call(() => this.stripe.invoices.attachPayment(invoiceId, { payment_intent: paymentIntentId }, opts));
  }

  // ---- refunds and payments taken outside Stripe ---------------------------------------------------

  async createRefund(
    input: {
      paymentIntentId: string;
      amount?: number;
      reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
      metadata?: Record<string, string>;
    },
    opts: CallOptions = {},
  ): Promise<RefundView> {
    const r = await this.call(() =>
      this.stripe.refunds.create(
        {
          payment_intent: input.paymentIntentId,
          ...(input.amount !== undefined ? { amount: input.amount } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        opts,
      ),
    );
    return toRefundView(r);
  }

  async listRefunds(paymentIntentId: string): Promise<RefundView[]> {
    const out: RefundView[] = [];
    await this.call(async () => {
      for await (const r of this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) out.push(toRefundView(r));
    });
    return out;
  }

  /** Reports a cash or check payment to Stripe as a guaranteed payment record; returns its id. */
  async reportOfflinePayment(input: OfflinePayment, opts: CallOptions = {}): Promise<string> {
    const rec = await this.call(() =>
      this.stripe.paymentRecords.reportPayment(
        {
          amount_requested: { value: input.amount, currency: input.currency },
          initiated_at: input.initiatedAt,
          payment_method_details: { type: 'custom', custom: { display_name: input.displayName } },
          ...(input.customerId ? { customer_details: { customer: input.customerId } } : {}),
          customer_presence: 'on_session',
          outcome: 'guaranteed',
          guaranteed: { guaranteed_at: input.initiatedAt },
          ...(input.reference ? { processor_details: { type: 'custom', custom: { payment_reference: input.reference } } } : {}),
          metadata: input.metadata,
        },
        opts,
      ),
    );
    return rec.id;
  }

  async attachRecordToInvoice(
    invoiceId: string,
    paymentRecordId: string,
    opts: CallOptions = {},
  ): Promise<{ amountPaid: number; amountRemaining: number; paid: boolean }> {
    const inv = await this.call(() => this.stripe.invoices.attachPayment(invoiceId, { payment_record: paymentRecordId }, opts));
    return { amountPaid: inv.amount_paid, amountRemaining: inv.amount_remaining, paid: inv.status === 'paid' };
  }

  // ---- the customer's credit balance (payments on account) ---------------------------------------

  /** Creates a customer balance transaction: `amount` negative credits the account, positive debits it. */
  async adjustCustomerBalance(
    customerId: string,
    input: { amount: number; currency: string; description: string; metadata: Record<string, string> },
    opts: CallOptions = {},
  ): Promise<BalanceTransactionView> {
    const t = await this.call(() =>
      this.stripe.customers.createBalanceTransaction(
        customerId,
        { amount: input.amount, currency: input.currency, description: input.description, metadata: input.metadata },
        opts,
      ),
    );
    return toBalanceTransactionView(t);
  }

  /**
   * The customer's balance transaction (created at or after `sinceSec`) whose metadata `key` is
   * `value`; null when there is none. Finds a credit made under an idempotency key Stripe has since
   * pruned (24 hours), so a late retry never credits twice.
   */
  async findBalanceTransaction(customerId: string, key: string, value: string, sinceSec: number): Promise<BalanceTransactionView | null> {
    let found: BalanceTransactionView | null = null;
    await this.call(async () => {
      for await (const t of this.stripe.customers.listBalanceTransactions(customerId, { limit: 100, created: { gte: sinceSec } })) {
        if (t.metadata?.[key] === value) {
          found = toBalanceTransactionView(t);
          break;
        }
      }
    });
    return found;
  }

  /** The customer's balance now (negative: credit); null when the customer is gone. */
  async customerBalance(customerId: string): Promise<{ balance: number; currency: string | null } | null> {
    const c = await this.call(() => this.stripe.customers.retrieve(customerId));
    return c.deleted ? null : { balance: c.balance, currency: c.currency ?? null };
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.call(fn);
  }
}

function toBalanceTransactionView(t: Stripe.CustomerBalanceTransaction): BalanceTransactionView {
  return {
    id: t.id,
    amount: t.amount,
    currency: t.currency,
    endingBalance: t.ending_balance,
    created: t.created,
    metadata: { ...(t.metadata ?? {}) },
  };
}
