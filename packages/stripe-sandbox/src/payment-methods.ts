/** /v1/payment_methods: test cards and test bank accounts only; test ids clone on use. */
import type { Ctx } from './context.js';
import { createdFilter, paginate } from './lists.js';
import {
  bankByAccount,
  cardByNumber,
  fingerprint,
  TEST_ROUTING,
  testPaymentMethod,
  type TestBankAccount,
  type TestCard,
} from './test-cards.js';
import { address, invalid, mergeMetadata, previousAttributes, StripeError, docUrl, type Obj, type Params } from './wire.js';

export interface PmMeta {
  needsVerification?: boolean;
  mandate?: string;
}

function billingDetails(p: Params | undefined, current?: Obj): Obj {
  const cur = current ?? { address: null, email: null, name: null, phone: null, tax_id: null };
  const out: Obj = { ...cur };
  if (!p) return out;
  if (p.has('address')) out.address = address(p.obj('address'), cur.address);
  for (const k of ['email', 'name', 'phone'] as const) {
    if (p.has(k)) out[k] = p.str(k, { max: k === 'name' ? 5000 : 800, empty: true }) || null;
  }
  return out;
}

function basePm(id: string, created: number, type: string): Obj {
  return {
    id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(undefined),
    created,
    customer: null,
    livemode: false,
    metadata: {},
    type,
    customer_account: null,
  };
}

function cardDetails(card: TestCard, expMonth: number, expYear: number, cvcChecked: boolean): Obj {
  return {
    brand: card.brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: cvcChecked ? 'pass' : null },
    country: 'US',
    display_brand: card.brand === 'amex' ? 'american_express' : card.brand,
    exp_month: expMonth,
    exp_year: expYear,
    fingerprint: fingerprint('card', card.number),
    funding: card.funding,
    generated_from: null,
    last4: card.number.slice(-4),
    networks: { available: [card.brand], preferred: null },
    three_d_secure_usage: { supported: true },
    wallet: null,
    regulated_status: 'unregulated',
  };
}

function bankDetails(bank: TestBankAccount, holderType: string, accountType: string): Obj {
  return {
    account_holder_type: holderType,
    account_type: accountType,
    bank_name: 'STRIPE TEST BANK',
    financial_connections_account: null,
    fingerprint: fingerprint('bank', bank.account),
    last4: bank.account.slice(-4),
    networks: { preferred: 'ach', supported: ['ach'] },
    routing_number: TEST_ROUTING,
    status_details: null,
  };
}

/** Loads a PaymentMethod by id; a test id (`pm_card_visa`, ...) becomes a fresh stored `pm_…`. */
export function resolvePaymentMethod(ctx: Ctx, id: string, param: string): Obj {
  const { store } = ctx;
  const test = testPaymentMethod(id);
  if (!test) return store.must('payment_method', id, param);
  const pm = testObject(store.newId('pm'), store.now(), id);
  store.insert(pm);
  store.setMeta(pm.id as string, { needsVerification: false } satisfies PmMeta);
  return pm;
}

function testObject(id: string, created: number, testId: string): Obj {
  const test = testPaymentMethod(testId)!;
  if (test.kind === 'card') {
    const pm = basePm(id, created, 'card');
    pm.card = cardDetails(test.card, 12, new Date(created * 1000).getUTCFullYear() + 3, true);
    return pm;
  }
  const pm = basePm(id, created, 'us_bank_account');
  pm.billing_details = { ...(pm.billing_details as Obj), name: 'Jenny Rosen' };
  pm.us_bank_account = bankDetails(test.bank, 'individual', 'checking');
  return pm;
}

/**
 * `allowed_payment_method_types` (the 2026 API's name, per the SDK types) or the older
 * `payment_method_types`; both set the response's `allowed_payment_method_types` and `payment_method_types`.
 */
export function readAllowedTypes(p: Params, intent: Obj, supported: readonly string[]): void {
  for (const k of ['allowed_payment_method_types', 'payment_method_types']) {
    const types = p.strArray(k, { oneOf: supported, max: 10 });
    if (!types) continue;
    if (types.length === 0) throw invalid(`${k} must not be empty.`, k, 'parameter_invalid_empty');
    intent.allowed_payment_method_types = types;
    intent.payment_method_types = types;
  }
}

export function attachPaymentMethod(ctx: Ctx, pm: Obj, customerId: string): Obj {
  if (pm.customer === customerId) return pm;
  if (pm.customer) {
    throw invalid(
      'The payment method you provided has already been attached to a customer.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  ctx.store.must('customer', customerId, 'customer');
  const prev = { customer: null };
  pm.customer = customerId;
  ctx.store.save(pm);
  ctx.store.emit('payment_method.attached', pm, prev);
  return pm;
}

/**
 * Creates a payment method from `type`, `card` / `us_bank_account` and `billing_details` params: the
 * body of POST /v1/payment_methods, and of `payment_method_data` on PaymentIntents.
 */
export function createPaymentMethod(ctx: Ctx, p: Params): Obj {
  const { store } = ctx;
  const type = p.reqStr('type', { oneOf: ['card', 'us_bank_account'] });
  const pm = basePm(store.newId('pm'), store.now(), type);
  pm.billing_details = billingDetails(p.obj('billing_details'));
  pm.metadata = mergeMetadata({}, p.metadata());
  const redisplay = p.str('allow_redisplay', { oneOf: ['always', 'limited', 'unspecified'] });
  if (redisplay) pm.allow_redisplay = redisplay;
  let meta: PmMeta = {};
  if (type === 'card') {
    const c = p.obj('card', true)!;
    const number = c.reqStr('number', { max: 30 }).replace(/[\s-]/g, '');
    const expMonth = c.int('exp_month', { required: true })!;
    let expYear = c.int('exp_year', { required: true })!;
    const cvc = c.str('cvc', { max: 10 });
    c.done();
    const card = cardByNumber(number);
    if (!card) {
      // The number is not echoed, stored or logged.
      throw invalid(
        "This card number is not one of Stripe's test cards. The offline sandbox accepts only the test card numbers from Stripe's documentation (for example 4242 4242 4242 4242).",
        'card[number]',
        'invalid_number',
      );
    }
    if (cvc !== undefined && !/^\d{3,4}$/.test(cvc)) throw cardError('invalid_cvc', "Your card's security code is invalid.", 'cvc');
    if (expMonth < 1 || expMonth > 12) throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
    if (expYear < 100) expYear += 2000;
    const d = new Date(store.nowMs());
    const nowYm = d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
    if (expYear * 12 + expMonth < nowYm || expYear > d.getUTCFullYear() + 50) {
      throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'exp_year');
    }
    pm.card = cardDetails(card, expMonth, expYear, cvc !== undefined);
  } else {
    const b = p.obj('us_bank_account', true)!;
    const routing = b.reqStr('routing_number', { max: 20 });
    const account = b.reqStr('account_number', { max: 30 });
    const holder = b.str('account_holder_type', { oneOf: ['individual', 'company'] }) ?? 'individual';
    const acctType = b.str('account_type', { oneOf: ['checking', 'savings'] }) ?? 'checking';
    b.done();
    if (!pm.billing_details.name) {
      throw invalid('Missing required param: billing_details[name].', 'billing_details[name]', 'parameter_missing');
    }
    if (routing !== TEST_ROUTING) {
      throw invalid(
        'Invalid routing number: the offline sandbox accepts only the test routing number 110000000.',
        'us_bank_account[routing_number]',
        'routing_number_invalid',
      );
    }
    const bank = bankByAccount(account);
    if (!bank) {
      throw invalid(
        "This account number is not one of Stripe's test bank accounts (for example 000123456789).",
        'us_bank_account[account_number]',
        'account_number_invalid',
      );
    }
    pm.us_bank_account = bankDetails(bank, holder, acctType);
    meta = { needsVerification: true };
  }
  p.done();
  store.insert(pm);
  store.setMeta(pm.id as string, meta);
  return pm;
}

export function registerPaymentMethods(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/payment_methods', ({ params: p }) => createPaymentMethod(ctx, p));

  ctx.route('GET', '/v1/payment_methods', ({ params: p, url }) => {
    const customer = p.str('customer', { max: 255 });
    const type = p.str('type', { max: 100 });
    if (customer) store.must('customer', customer, 'customer');
    let items = customer ? store.all('payment_method', customer) : store.all('payment_method');
    if (type) items = items.filter((x) => x.type === type);
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/customers/:id/payment_methods', ({ params: p, path, url }) => {
    store.must('customer', path.id!);
    const type = p.str('type', { max: 100 });
    p.ignore('allow_redisplay');
    let items = store.all('payment_method', path.id);
    if (type) items = items.filter((x) => x.type === type);
    return paginate(p, items, url);
  });

  ctx.route('GET', '/v1/customers/:id/payment_methods/:pm', ({ path }) => {
    const pm = store.must('payment_method', path.pm!);
    if (pm.customer !== path.id) throw invalid(`No such PaymentMethod: '${path.pm!}'`, 'payment_method', 'resource_missing');
    return pm;
  });

  ctx.route('GET', '/v1/payment_methods/:id', ({ path }) => {
    const id = path.id!;
    if (testPaymentMethod(id)) return testObject(id, store.now(), id);
    return store.must('payment_method', id);
  });

  ctx.route('POST', '/v1/payment_methods/:id', ({ params: p, path }) => {
    const before = store.must('payment_method', path.id!);
    const pm = structuredClone(before);
    pm.billing_details = billingDetails(p.obj('billing_details'), pm.billing_details as Obj);
    pm.metadata = mergeMetadata(pm.metadata, p.metadata());
    const redisplay = p.str('allow_redisplay', { oneOf: ['always', 'limited', 'unspecified'] });
    if (redisplay) pm.allow_redisplay = redisplay;
    const c = p.obj('card');
    if (c) {
      if (pm.type !== 'card') throw invalid('card can only be updated on card PaymentMethods.', 'card');
      const m = c.int('exp_month', { min: 1, max: 12 });
      const y = c.int('exp_year', { min: 0, max: 2100 });
      const card = { ...(pm.card as Obj) };
      if (m !== undefined) card.exp_month = m;
      if (y !== undefined) card.exp_year = y < 100 ? 2000 + y : y;
      pm.card = card;
    }
    p.done();
    const prev = previousAttributes(before, pm);
    store.save(pm);
    if (Object.keys(prev).length > 0) store.emit('payment_method.updated', pm, prev);
    return pm;
  });

  ctx.route('POST', '/v1/payment_methods/:id/attach', ({ params: p, path }) => {
    const customer = p.reqStr('customer', { max: 255 });
    p.done();
    store.must('customer', customer, 'customer');
    const pm = resolvePaymentMethod(ctx, path.id!, 'id');
    return attachPaymentMethod(ctx, pm, customer);
  });

  ctx.route('POST', '/v1/payment_methods/:id/detach', ({ params: p, path }) => {
    p.done();
    const pm = store.must('payment_method', path.id!);
    const customer = pm.customer;
    if (typeof customer !== 'string') {
      throw invalid(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    pm.customer = null;
    store.save(pm);
    const cus = store.get(customer);
    const settings = cus?.invoice_settings as Obj | undefined;
    if (cus && settings?.default_payment_method === pm.id) {
      const before = structuredClone(cus);
      cus.invoice_settings = { ...settings, default_payment_method: null };
      store.save(cus);
      store.emit('customer.updated', cus, previousAttributes(before, cus));
    }
    store.emit('payment_method.detached', pm, { customer });
    return pm;
  });
}

function cardError(code: string, message: string, param: string): StripeError {
  return new StripeError(402, { type: 'card_error', code, message, param, doc_url: docUrl(code) });
}
