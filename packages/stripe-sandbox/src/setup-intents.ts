/** /v1/setup_intents: create, retrieve, update, confirm, cancel, list, verify_microdeposits. */
import { randomBytes } from 'node:crypto';
import { Reply, type Ctx } from './context.js';
import {
  achMandate,
  cardDecline,
  declineBody,
  microdepositAction,
  pickPaymentMethod,
  unexpectedState,
  verifyMicrodeposits,
  type ConfirmOptions,
} from './confirm.js';
import { readMandateData } from './charges.js';
import { createdFilter, paginate } from './lists.js';
import { attachPaymentMethod, readAllowedTypes, resolvePaymentMethod, type PmMeta } from './payment-methods.js';
import { docUrl, invalid, mergeMetadata, type Obj, type Params } from './wire.js';

function baseSetupIntent(id: string, created: number): Obj {
  return {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomBytes(18).toString('base64url')}`,
    created,
    customer: null,
    description: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: 'off_session',
    excluded_payment_method_types: null,
  };
}

function apply(ctx: Ctx, p: Params, si: Obj, creating: boolean): void {
  if (p.has('customer')) {
    const c = p.str('customer', { max: 255, empty: true });
    if (c) ctx.store.must('customer', c, 'customer');
    si.customer = c || null;
  }
  if (p.has('description')) si.description = p.str('description', { max: 1000, empty: true }) || null;
  si.metadata = mergeMetadata(si.metadata, p.metadata());
  readAllowedTypes(p, si, ['card', 'us_bank_account']);
  if (creating) {
    const usage = p.str('usage', { oneOf: ['off_session', 'on_session'] });
    if (usage) si.usage = usage;
  }
  const pm = p.str('payment_method', { max: 255 });
  if (pm) si.payment_method = resolvePaymentMethod(ctx, pm, 'payment_method').id;
}

function confirmOptions(p: Params): ConfirmOptions {
  const o: ConfirmOptions = {};
  if (p.has('mandate_data')) {
    const md = p.obj('mandate_data');
    if (md) o.mandateData = readMandateData(md);
  }
  p.ignore('return_url', 'use_stripe_sdk');
  return o;
}

export function registerSetupIntents(ctx: Ctx): void {
  const { store } = ctx;

  function succeed(si: Obj, pm: Obj): Obj {
    if (typeof si.customer === 'string' && !pm.customer) attachPaymentMethod(ctx, pm, si.customer);
    si.status = 'succeeded';
    si.next_action = null;
    store.save(si);
    store.emit('setup_intent.succeeded', si);
    return si;
  }

  function confirm(si: Obj, o: ConfirmOptions): Obj | Reply {
    if (!['requires_payment_method', 'requires_confirmation'].includes(si.status as string))
      throw unexpectedState('setup_intent', si, 'confirm');
    const pm = pickPaymentMethod(ctx, si, 'setup_intent', o);
    si.payment_method = pm.id;
    si.last_setup_error = null;
    if (pm.type === 'card') {
      const d = cardDecline(pm);
      if (!d) return succeed(si, pm);
      si.status = 'requires_payment_method';
      si.payment_method = null;
      si.last_setup_error = {
        type: 'card_error',
        code: d.code,
        decline_code: d.decline_code ?? null,
        doc_url: docUrl(d.code),
        message: d.message,
        payment_method: pm,
        payment_method_type: 'card',
      };
      if (d.param) si.last_setup_error.param = d.param;
      store.save(si);
      store.emit('setup_intent.setup_failed', si);
      return new Reply(402, declineBody('setup_intent', si, pm, d));
    }
    si.mandate = achMandate(ctx, pm, o);
    if (store.meta<PmMeta>(pm.id as string).needsVerification) {
      si.status = 'requires_action';
      si.next_action = microdepositAction(ctx, si.id as string);
      store.save(si);
      store.emit('setup_intent.requires_action', si);
      return si;
    }
    return succeed(si, pm);
  }

  ctx.route('POST', '/v1/setup_intents', ({ params: p }) => {
    const si = baseSetupIntent(store.newId('seti'), store.now());
    apply(ctx, p, si, true);
    const doConfirm = p.bool('confirm') ?? false;
    const o = confirmOptions(p);
    p.ignore('automatic_payment_methods');
    p.done();
    if (o.mandateData && !doConfirm) throw invalid('mandate_data can only be used when confirm=true.', 'mandate_data');
    if (si.payment_method) si.status = 'requires_confirmation';
    store.insert(si);
    store.emit('setup_intent.created', si);
    return doConfirm ? confirm(si, o) : si;
  });

  ctx.route('GET', '/v1/setup_intents', ({ params: p, url }) => {
    const customer = p.str('customer', { max: 255 });
    const pm = p.str('payment_method', { max: 255 });
    let items = customer ? store.all('setup_intent', customer) : store.all('setup_intent');
    if (pm) items = items.filter((x) => x.payment_method === pm);
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/setup_intents/:id', ({ params: p, path }) => {
    p.ignore('client_secret');
    return store.must('setup_intent', path.id!);
  });

  ctx.route('POST', '/v1/setup_intents/:id', ({ params: p, path }) => {
    const si = store.must('setup_intent', path.id!);
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status as string)) {
      throw unexpectedState('setup_intent', si, 'update');
    }
    apply(ctx, p, si, false);
    p.done();
    if (si.payment_method && si.status === 'requires_payment_method') si.status = 'requires_confirmation';
    store.save(si);
    return si;
  });

  ctx.route('POST', '/v1/setup_intents/:id/confirm', ({ params: p, path }) => {
    const si = store.must('setup_intent', path.id!);
    const pmId = p.str('payment_method', { max: 255 });
    readAllowedTypes(p, si, ['card', 'us_bank_account']);
    const o = confirmOptions(p);
    p.done();
    return confirm(si, { ...o, ...(pmId ? { paymentMethod: pmId } : {}) });
  });

  ctx.route('POST', '/v1/setup_intents/:id/cancel', ({ params: p, path }) => {
    const si = store.must('setup_intent', path.id!);
    const reason = p.str('cancellation_reason', { oneOf: ['abandoned', 'duplicate', 'requested_by_customer'] });
    p.done();
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status as string)) {
      throw unexpectedState('setup_intent', si, 'cancel');
    }
    Object.assign(si, { status: 'canceled', cancellation_reason: reason ?? null, next_action: null });
    store.save(si);
    store.emit('setup_intent.canceled', si);
    return si;
  });

  ctx.route('POST', '/v1/setup_intents/:id/verify_microdeposits', ({ params: p, path }) => {
    const si = store.must('setup_intent', path.id!);
    p.ignore('client_secret');
    return verifyMicrodeposits(ctx, 'setup_intent', si, p, (pm) => {
      succeed(si, pm);
    });
  });
}
