/** Charges (made by PaymentIntents), mandates, and their read-only routes. */
import { createHash } from 'node:crypto';
import type { Ctx } from './context.js';
import { createdFilter, paginate } from './lists.js';
import type { Store } from './store.js';
import type { Obj, Params } from './wire.js';

export interface ChargeOutcome {
  status: 'succeeded' | 'pending' | 'failed';
  captured: boolean;
  failure?: { code: string; message: string; decline_code?: string };
  mandate?: string | null;
  /** Card-present charges: the reader (and its location) that read the card. */
  cardPresent?: { reader: string; location: string | null };
}

export function createCharge(store: Store, pi: Obj, pm: Obj, o: ChargeOutcome): Obj {
  const id = store.newId('ch');
  const amount = pi.amount as number;
  const failed = o.status === 'failed';
  const charge: Obj = {
    id,
    object: 'charge',
    amount,
    amount_captured: o.captured && o.status === 'succeeded' ? amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failed ? null : store.newId('txn'),
    billing_details: structuredClone(pm.billing_details as Obj),
    calculated_statement_descriptor: pi.statement_descriptor ?? 'SANDBOX KIOSK',
    captured: o.captured && o.status !== 'failed',
    created: store.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: o.failure?.code ?? null,
    failure_message: o.failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: structuredClone(pi.metadata as Obj),
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: failed ? 'declined_by_network' : 'approved_by_network',
      reason: o.failure?.decline_code ?? null,
      risk_level: 'normal',
      seller_message: failed ? 'The bank did not return any further details with this decline.' : 'Payment complete.',
      type: failed ? 'issuer_declined' : 'authorized',
    },
    paid: o.status === 'succeeded',
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: methodDetails(pm, amount, o.mandate ?? null, o, id),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/sandbox/${id}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: null,
    status: o.status,
    transfer_data: null,
    transfer_group: null,
    source: null,
  };
  return store.insert(charge);
}

function methodDetails(pm: Obj, amount: number, mandate: string | null, o?: ChargeOutcome, chargeId = ''): Obj {
  if (pm.type === 'card_present') return cardPresentDetails(pm, amount, o, chargeId);
  if (pm.type === 'card') {
    const c = pm.card as Obj;
    return {
      card: {
        amount_authorized: amount,
        brand: c.brand,
        checks: c.checks,
        country: c.country,
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: c.fingerprint,
        funding: c.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: c.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: c.brand,
        network_token: { used: false },
        overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
        three_d_secure: null,
        wallet: null,
        authorization_code: String(100000 + (amount % 900000)),
        regulated_status: 'unregulated',
        network_transaction_id: null,
        transaction_link_id: null,
      },
      type: 'card',
    };
  }
  const b = pm.us_bank_account as Obj;
  return {
    type: 'us_bank_account',
    us_bank_account: {
      account_holder_type: b.account_holder_type,
      account_type: b.account_type,
      bank_name: b.bank_name,
      fingerprint: b.fingerprint,
      last4: b.last4,
      mandate,
      payment_reference: null,
      routing_number: b.routing_number,
    },
  };
}

/** `payment_method_details.card_present`, with the EMV receipt fields a card-present receipt must print. */
function cardPresentDetails(pm: Obj, amount: number, o: ChargeOutcome | undefined, chargeId: string): Obj {
  const c = pm.card_present as Obj;
  const ok = o?.status !== 'failed';
  const seed = createHash('sha256').update(`sandbox:emv:${chargeId}`).digest('hex').toUpperCase();
  const details: Obj = {
    amount_authorized: ok ? amount : null,
    brand: c.brand,
    brand_product: null,
    cardholder_name: null,
    country: c.country,
    emv_auth_data: ok ? seed.slice(0, 32) : null,
    exp_month: c.exp_month,
    exp_year: c.exp_year,
    fingerprint: c.fingerprint,
    funding: c.funding,
    generated_card: null,
    incremental_authorization_supported: false,
    last4: c.last4,
    network: c.brand,
    network_transaction_id: ok ? seed.slice(32, 47) : null,
    offline: null,
    overcapture_supported: false,
    preferred_locales: ['en'],
    read_method: c.read_method ?? 'contactless_emv',
    receipt: {
      account_type: 'credit',
      application_cryptogram: seed.slice(0, 16),
      application_preferred_name: APPLICATION_NAMES[c.brand as string] ?? 'Stripe Credit',
      authorization_code: ok ? String(100000 + (amount % 900000)) : null,
      authorization_response_code: ok ? '3030' : '3035',
      cardholder_verification_method: 'approval',
      dedicated_file_name: AIDS[c.brand as string] ?? 'A0000000031010',
      terminal_verification_results: '0000008000',
      transaction_status_information: '0000',
    },
  };
  if (o?.cardPresent) {
    details.reader = o.cardPresent.reader;
    if (o.cardPresent.location) details.location = o.cardPresent.location;
  }
  return { card_present: details, type: 'card_present' };
}

/** EMV application ids (the receipt's AID / dedicated file name) and names, per brand (Stripe's test cards are all credit). */
const AIDS: Record<string, string> = { visa: 'A0000000031010', mastercard: 'A0000000041010', amex: 'A00000002501' };
const APPLICATION_NAMES: Record<string, string> = { visa: 'Stripe Credit', mastercard: 'Stripe Credit', amex: 'Stripe Credit' };

export interface Acceptance {
  type: string;
  accepted_at?: number;
  online?: { ip_address: string | null; user_agent: string | null };
}

/** Reads `mandate_data[customer_acceptance]` completely (so unknown keys are caught before any write). */
export function readMandateData(p: Params): Acceptance {
  const ca = p.obj('customer_acceptance', true)!;
  const type = ca.str('type', { oneOf: ['online', 'offline'] }) ?? 'online';
  const at = ca.int('accepted_at', { min: 0 });
  const online = ca.obj('online');
  ca.obj('offline');
  const out: Acceptance = { type };
  if (at !== undefined) out.accepted_at = at;
  if (online)
    out.online = {
      ip_address: online.str('ip_address', { max: 100 }) ?? null,
      user_agent: online.str('user_agent', { max: 1000 }) ?? null,
    };
  return out;
}

/** A multi-use mandate for a us_bank_account PaymentMethod. */
export function createMandate(store: Store, pm: Obj, a: Acceptance): Obj {
  const mandate: Obj = {
    id: store.newId('mandate'),
    object: 'mandate',
    customer_acceptance: {
      accepted_at: a.accepted_at ?? store.now(),
      ...(a.type === 'offline' ? { offline: {} } : {}),
      online: a.online ?? null,
      type: a.type,
    },
    livemode: false,
    multi_use: {},
    payment_method: pm.id,
    payment_method_details: { type: 'us_bank_account', us_bank_account: { collection_method: null } },
    status: 'active',
    type: 'multi_use',
  };
  store.insert(mandate);
  store.setMeta(pm.id as string, { mandate: mandate.id });
  return mandate;
}

export function registerCharges(ctx: Ctx): void {
  const { store } = ctx;
  ctx.route('GET', '/v1/charges', ({ params: p, url }) => {
    const customer = p.str('customer', { max: 255 });
    const pi = p.str('payment_intent', { max: 255 });
    let items = customer ? store.all('charge', customer) : store.all('charge');
    if (pi) items = items.filter((c) => c.payment_intent === pi);
    return paginate(p, createdFilter(p, items), url);
  });
  ctx.route('GET', '/v1/charges/:id', ({ path }) => store.must('charge', path.id!));
  ctx.route('GET', '/v1/mandates/:id', ({ path }) => store.must('mandate', path.id!));
}
