/** /v1/payment_intents: create, retrieve, update, confirm, capture, cancel, list, search. */
import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.js';
import { confirmPaymentIntent, startProcessing, unexpectedState, verifyMicrodeposits, type ConfirmOptions } from './confirm.js';
import { readMandateData } from './charges.js';
import { createdFilter, pageFromStore, paginate, search } from './lists.js';
import { createPaymentMethod, readAllowedTypes, resolvePaymentMethod } from './payment-methods.js';
import { invalid, mergeMetadata, type Obj, type Params } from './wire.js';

const PM_TYPES = ['card', 'us_bank_account', 'card_present'] as const;
const EDITABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export function basePaymentIntent(id: string, created: number): Obj {
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: 0,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${randomBytes(18).toString('base64url')}`,
    confirmation_method: 'automatic',
    created,
    currency: 'usd',
    customer: null,
    description: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
    source: null,
    excluded_payment_method_types: null,
    customer_account: null,
    managed_payments: null,
  };
}

/** Reads the params shared by create and update onto `pi`. */
function apply(ctx: Ctx, p: Params, pi: Obj, creating: boolean): void {
  const amount = p.int('amount', { required: creating, min: 1, max: 99_999_999 });
  if (amount !== undefined) pi.amount = amount;
  const currency = p.currency('currency', creating);
  if (currency) pi.currency = currency;
  if (p.has('customer')) {
    const c = p.str('customer', { max: 255, empty: true });
    if (c) ctx.store.must('customer', c, 'customer');
    pi.customer = c || null;
  }
  for (const k of ['description', 'receipt_email'] as const) {
    if (p.has(k)) pi[k] = p.str(k, { max: k === 'description' ? 1000 : 800, empty: true }) || null;
  }
  if (p.has('statement_descriptor')) {
    const s = p.str('statement_descriptor', { max: 22, empty: true });
    if (s && !/[a-z]/i.test(s)) throw invalid('The statement descriptor must contain at least one letter.', 'statement_descriptor');
    pi.statement_descriptor = s || null;
  }
  pi.metadata = mergeMetadata(pi.metadata, p.metadata());
  readAllowedTypes(p, pi, PM_TYPES);
  if (p.has('setup_future_usage')) {
    pi.setup_future_usage = p.str('setup_future_usage', { oneOf: ['off_session', 'on_session'], empty: true }) || null;
  }
  const capture = p.str('capture_method', { oneOf: ['automatic', 'automatic_async', 'manual'] });
  if (capture) pi.capture_method = capture;
  if (p.has('payment_method')) {
    const pm = p.str('payment_method', { max: 255, empty: true });
    pi.payment_method = pm || null;
  }
}

/** The confirm-time params (create with confirm=true, and /confirm). */
function confirmOptions(p: Params): ConfirmOptions & { paymentMethod?: string } {
  const o: ConfirmOptions = {};
  if (p.has('mandate_data')) {
    const md = p.obj('mandate_data');
    if (md) o.mandateData = readMandateData(md);
  }
  const mandate = p.str('mandate', { max: 255 });
  if (mandate) o.mandate = mandate;
  if (p.has('off_session')) {
    const raw = p.raw.off_session;
    if (raw === 'one_off' || raw === 'recurring') {
      p.ignore('off_session');
      o.offSession = true;
    } else o.offSession = p.bool('off_session') ?? false;
  }
  p.ignore('return_url', 'error_on_requires_action', 'use_stripe_sdk');
  return o;
}

export function registerPaymentIntents(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/payment_intents', ({ params: p }) => {
    const pi = basePaymentIntent(store.newId('pi'), store.now());
    apply(ctx, p, pi, true);
    const inline = paymentMethodData(ctx, p, pi.payment_method as string | null);
    if (inline) pi.payment_method = inline;
    const confirm = p.bool('confirm') ?? false;
    const o = confirmOptions(p);
    p.ignore('automatic_payment_methods');
    const apm = p.raw.automatic_payment_methods;
    if (apm && typeof apm === 'object' && !Array.isArray(apm) && apm.enabled === 'true') {
      pi.automatic_payment_methods = { enabled: true, allow_redirects: 'never' };
    }
    p.done();
    if (!confirm && (o.mandateData || o.offSession)) {
      throw invalid(
        `${o.mandateData ? 'mandate_data' : 'off_session'} can only be used when confirm=true.`,
        o.mandateData ? 'mandate_data' : 'off_session',
      );
    }
    if (pi.payment_method) {
      pi.status = 'requires_confirmation';
    }
    if (confirm && !pi.payment_method) {
      throw invalid('You must provide a payment_method when confirm=true.', 'payment_method', 'parameter_missing');
    }
    if (pi.payment_method) pi.payment_method = resolvePmId(ctx, pi.payment_method as string);
    store.insert(pi);
    store.emit('payment_intent.created', pi);
    if (!confirm) return pi;
    return confirmPaymentIntent(ctx, pi, o);
  });

  ctx.route('GET', '/v1/payment_intents', ({ params: p, url }) => {
    const customer = p.str('customer', { max: 255 });
    if (!p.has('created')) return pageFromStore(p, store, 'payment_intent', customer, url);
    const items = customer ? store.all('payment_intent', customer) : store.all('payment_intent');
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/payment_intents/search', ({ params: p, url }) =>
    search(p, store.all('payment_intent'), url, ['amount', 'currency', 'customer', 'status', 'created']),
  );

  ctx.route('GET', '/v1/payment_intents/:id', ({ params: p, path }) => {
    p.ignore('client_secret');
    return store.must('payment_intent', path.id!);
  });

  ctx.route('POST', '/v1/payment_intents/:id', ({ params: p, path }) => {
    const pi = store.must('payment_intent', path.id!);
    if (!EDITABLE.includes(pi.status as string) && !(pi.status === 'requires_capture' && onlyMetadata(p))) {
      throw unexpectedState('payment_intent', pi, 'update');
    }
    const hadPm = pi.payment_method;
    apply(ctx, p, pi, false);
    p.done();
    if (pi.payment_method && pi.payment_method !== hadPm) {
      pi.payment_method = resolvePmId(ctx, pi.payment_method as string);
      if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
    }
    store.save(pi);
    return pi;
  });

  ctx.route('POST', '/v1/payment_intents/:id/confirm', ({ params: p, path }) => {
    const pi = store.must('payment_intent', path.id!);
    const pmId = paymentMethodData(ctx, p, null) ?? p.str('payment_method', { max: 255 });
    if (p.has('receipt_email')) pi.receipt_email = p.str('receipt_email', { max: 800, empty: true }) || null;
    if (p.has('setup_future_usage')) {
      pi.setup_future_usage = p.str('setup_future_usage', { oneOf: ['off_session', 'on_session'], empty: true }) || null;
    }
    const capture = p.str('capture_method', { oneOf: ['automatic', 'automatic_async', 'manual'] });
    if (capture) pi.capture_method = capture;
    readAllowedTypes(p, pi, PM_TYPES);
    const o = confirmOptions(p);
    p.done();
    return confirmPaymentIntent(ctx, pi, { ...o, ...(pmId ? { paymentMethod: pmId } : {}) });
  });

  ctx.route('POST', '/v1/payment_intents/:id/capture', ({ params: p, path }) => {
    const pi = store.must('payment_intent', path.id!);
    const amount = p.int('amount_to_capture', { min: 1 });
    pi.metadata = mergeMetadata(pi.metadata, p.metadata());
    p.ignore('statement_descriptor', 'final_capture');
    p.done();
    if (pi.status !== 'requires_capture') throw unexpectedState('payment_intent', pi, 'capture');
    const capturable = pi.amount_capturable as number;
    const captured = amount ?? capturable;
    if (captured > capturable) {
      throw invalid(
        `The amount to capture (${captured}) cannot be greater than the amount capturable (${capturable}).`,
        'amount_to_capture',
        'amount_too_large',
      );
    }
    const charge = store.must('charge', pi.latest_charge as string);
    Object.assign(charge, { captured: true, amount_captured: captured, amount_refunded: capturable - captured });
    store.save(charge);
    Object.assign(pi, { status: 'succeeded', amount_received: captured, amount_capturable: 0 });
    store.save(pi);
    store.emit('charge.captured', charge);
    store.emit('payment_intent.succeeded', pi);
    for (const h of ctx.hooks.intentSucceeded) h(pi);
    return pi;
  });

  ctx.route('POST', '/v1/payment_intents/:id/cancel', ({ params: p, path }) => {
    const pi = store.must('payment_intent', path.id!);
    const reason = p.str('cancellation_reason', { oneOf: ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] });
    p.done();
    if (![...EDITABLE, 'requires_capture'].includes(pi.status as string)) throw unexpectedState('payment_intent', pi, 'cancel');
    if (pi.status === 'requires_capture' && pi.latest_charge) {
      const charge = store.must('charge', pi.latest_charge as string);
      Object.assign(charge, { refunded: true, amount_refunded: charge.amount });
      store.save(charge);
    }
    store.unschedule(pi.id as string);
    Object.assign(pi, {
      status: 'canceled',
      canceled_at: store.now(),
      cancellation_reason: reason ?? null,
      next_action: null,
      amount_capturable: 0,
    });
    store.save(pi);
    store.emit('payment_intent.canceled', pi);
    return pi;
  });

  ctx.route('POST', '/v1/payment_intents/:id/verify_microdeposits', ({ params: p, path }) => {
    const pi = store.must('payment_intent', path.id!);
    p.ignore('client_secret');
    return verifyMicrodeposits(ctx, 'payment_intent', pi, p, (pm) => {
      startProcessing(ctx, pi, pm, store.meta<{ mandate: string }>(pi.id as string).mandate ?? '');
    });
  });
}

/**
 * `payment_method_data`: a new payment method made from these details in the same request (never
 * together with `payment_method`). Returns its id, or undefined when the param is absent.
 */
function paymentMethodData(ctx: Ctx, p: Params, paymentMethod: string | null): string | undefined {
  const data = p.obj('payment_method_data');
  if (!data) return undefined;
  if (paymentMethod || p.has('payment_method')) {
    throw invalid('You cannot provide both payment_method and payment_method_data.', 'payment_method_data');
  }
  return createPaymentMethod(ctx, data).id as string;
}

function onlyMetadata(p: Params): boolean {
  return Object.keys(p.raw).every((k) => k === 'metadata' || k === 'description');
}

/** Test ids become real stored PaymentMethods when set on an intent. */
function resolvePmId(ctx: Ctx, id: string): string {
  return resolvePaymentMethod(ctx, id, 'payment_method').id as string;
}
