/**
 * A payment as its receipt needs it, read from Stripe: the PaymentIntent with its latest charge
 * (what was really charged: card brand/last 4, the authorization code, the card-present EMV receipt
 * fields, the bank), its payment method and customer expanded, and the invoice it paid; or a payment
 * record (cash and checks another desk reported). For payments this station has no record of
 * (made online, at another kiosk or desk). Plain types out, GatewayError on failure.
 */
import type Stripe from 'stripe';
import type { StripeClient } from './client';

/** The card-present EMV receipt fields, as Stripe names them (`charge.payment_method_details.card_present.receipt`). */
export interface EmvReceiptFields {
  application_preferred_name: string | null;
  dedicated_file_name: string | null;
  authorization_response_code: string | null;
  account_type: string | null;
  application_cryptogram: string | null;
  terminal_verification_results: string | null;
  transaction_status_information: string | null;
  authorization_code: string | null;
  cardholder_verification_method: string | null;
}

export type PaidWith =
  | { type: 'card'; brand: string | null; last4: string | null; authorizationCode: string | null }
  | { type: 'card_present'; brand: string | null; last4: string | null; readMethod: string | null; emv: EmvReceiptFields | null }
  | { type: 'us_bank_account'; bankName: string | null; last4: string | null };

export interface IntentDetails {
  kind: 'intent';
  id: string;
  status: string;
  amount: number;
  currency: string;
  /** Unix seconds. */
  created: number;
  customer: { id: string; name: string | null } | null;
  method: PaidWith | null;
  /** The invoice it paid: metadata `invoice_id`, else the invoice whose payments list it. */
  invoiceId: string | null;
  /** True when the charge was refunded in full. */
  refunded: boolean;
  metadata: Record<string, string>;
}

export interface RecordDetails {
  kind: 'record';
  id: string;
  amount: number;
  currency: string;
  /** Unix seconds. */
  created: number;
  outcome: 'guaranteed' | 'failed' | 'canceled' | 'other';
  customerId: string | null;
  /** Stripe's `payment_method_details.custom.display_name` ("Cash", "Check #1042"). */
  displayName: string | null;
  metadata: Record<string, string>;
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

function paidWith(charge: Stripe.Charge | null, pm: Stripe.PaymentMethod | null): PaidWith | null {
  const d = charge?.payment_method_details;
  if (d?.card_present) {
    const cp = d.card_present;
    const r = cp.receipt;
    return {
      type: 'card_present',
      brand: cp.brand,
      last4: cp.last4,
      readMethod: cp.read_method,
      emv: r
        ? {
            application_preferred_name: r.application_preferred_name,
            dedicated_file_name: r.dedicated_file_name,
            authorization_response_code: r.authorization_response_code,
            account_type: r.account_type ?? null,
            application_cryptogram: r.application_cryptogram,
            terminal_verification_results: r.terminal_verification_results,
            transaction_status_information: r.transaction_status_information,
            authorization_code: r.authorization_code,
            cardholder_verification_method: r.cardholder_verification_method,
          }
        : null,
    };
  }
  if (d?.card) return { type: 'card', brand: d.card.brand, last4: d.card.last4, authorizationCode: d.card.authorization_code ?? null };
  if (d?.us_bank_account) return { type: 'us_bank_account', bankName: d.us_bank_account.bank_name, last4: d.us_bank_account.last4 };
  // No charge yet (or none expanded): the payment method says what it was.
  if (pm?.card_present)
    return {
      type: 'card_present',
      brand: pm.card_present.brand,
      last4: pm.card_present.last4,
      readMethod: pm.card_present.read_method,
      emv: null,
    };
  if (pm?.card) return { type: 'card', brand: pm.card.brand, last4: pm.card.last4, authorizationCode: null };
  if (pm?.us_bank_account) return { type: 'us_bank_account', bankName: pm.us_bank_account.bank_name, last4: pm.us_bank_account.last4 };
  return null;
}

/** The PaymentIntent with its latest charge, payment method and customer; null when Stripe has no such intent. */
export async function retrieveIntentDetails(client: StripeClient, id: string): Promise<IntentDetails | null> {
  let pi: Stripe.PaymentIntent;
  try {
    pi = await client.stripe.paymentIntents.retrieve(id, { expand: ['latest_charge', 'payment_method', 'customer'] });
  } catch (err) {
    const e = client.error(err);
    if (e.kind === 'not_found') return null;
    throw e;
  }
  const charge = pi.latest_charge && typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const pm = pi.payment_method && typeof pi.payment_method === 'object' ? pi.payment_method : null;
  const c = pi.customer && typeof pi.customer === 'object' ? pi.customer : null;
  const customerId = idOf(pi.customer);
  let invoiceId = pi.metadata?.['invoice_id'] || null;
  if (!invoiceId) {
    const paid = await client.call(() =>
      client.stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: pi.id }, limit: 1 }),
    );
    invoiceId = idOf(paid.data[0]?.invoice);
  }
  return {
    kind: 'intent',
    id: pi.id,
    status: pi.status,
    amount: pi.amount_received > 0 ? pi.amount_received : pi.amount,
    currency: pi.currency,
    created: pi.created,
    customer: customerId ? { id: customerId, name: c && !c.deleted ? (c.name ?? null) : null } : null,
    method: paidWith(charge, pm),
    invoiceId,
    refunded: Boolean(charge?.refunded),
    metadata: { ...(pi.metadata ?? {}) },
  };
}

/** A payment record (cash or check reported by a desk); null when Stripe has no such record. */
export async function retrieveRecordDetails(client: StripeClient, id: string): Promise<RecordDetails | null> {
  let r: Stripe.PaymentRecord;
  try {
    r = await client.stripe.paymentRecords.retrieve(id);
  } catch (err) {
    const e = client.error(err);
    if (e.kind === 'not_found') return null;
    throw e;
  }
  const outcome =
    r.amount_guaranteed.value > 0
      ? 'guaranteed'
      : r.amount_failed.value > 0
        ? 'failed'
        : r.amount_canceled.value > 0
          ? 'canceled'
          : 'other';
  return {
    kind: 'record',
    id: r.id,
    amount: r.amount_requested.value,
    currency: r.amount_requested.currency,
    created: r.created,
    outcome,
    customerId: r.customer_details?.customer ?? null,
    displayName: r.payment_method_details?.custom?.display_name ?? null,
    metadata: { ...(r.metadata ?? {}) },
  };
}
