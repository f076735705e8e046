/**
 * /v1/payment_records: report_payment (payments taken outside Stripe: cash, checks), retrieve, list.
 * A guaranteed record can be attached to an invoice (invoice-payments.ts) to credit it.
 */
import type { Ctx } from './context.js';
import { paginate } from './lists.js';
import { address, invalid, mergeMetadata, type Obj, type Params } from './wire.js';

const amountOf = (value: number, currency: string): Obj => ({ currency, value });

function billing(p: Params | undefined): Obj {
  return {
    address: address(p?.obj('address')),
    email: p?.str('email', { max: 800 }) ?? null,
    name: p?.str('name', { max: 5000 }) ?? null,
    phone: p?.str('phone', { max: 100 }) ?? null,
  };
}

export function registerPaymentRecords(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/payment_records/report_payment', ({ params: p }) => {
    const ar = p.obj('amount_requested', true)!;
    const value = ar.int('value', { required: true, min: 0, max: 99_999_999 })!;
    const currency = ar.currency('currency', true)!;
    const initiatedAt = p.int('initiated_at', { required: true, min: 0 })!;
    const pmd = p.obj('payment_method_details', true)!;
    const pmdType = pmd.str('type', { oneOf: ['custom'] });
    const custom = pmd.obj('custom');
    const displayName = custom?.str('display_name', { max: 5000 }) ?? null;
    const customType = custom?.str('type', { max: 255 }) ?? null;
    const pmId = pmd.str('payment_method', { max: 255 });
    const billingDetails = billing(pmd.obj('billing_details'));
    if (!pmId && !custom && !pmdType) {
      throw invalid(
        'payment_method_details needs either custom (with display_name) or payment_method.',
        'payment_method_details[custom]',
        'parameter_missing',
      );
    }
    if (pmId) store.must('payment_method', pmId, 'payment_method_details[payment_method]');
    const cd = p.obj('customer_details');
    const customer = cd?.str('customer', { max: 255 }) ?? null;
    if (customer) store.must('customer', customer, 'customer_details[customer]');
    const customerDetails = cd
      ? {
          customer,
          email: cd.str('email', { max: 800 }) ?? null,
          name: cd.str('name', { max: 5000 }) ?? null,
          phone: cd.str('phone', { max: 100 }) ?? null,
        }
      : null;
    const presence = p.str('customer_presence', { oneOf: ['off_session', 'on_session'] }) ?? null;
    const description = p.str('description', { max: 1000 }) ?? null;
    const metadata = p.metadata();
    const outcome = p.str('outcome', { oneOf: ['canceled', 'failed', 'guaranteed'] });
    const at: Record<string, number | undefined> = {};
    for (const k of ['guaranteed', 'failed', 'canceled'] as const) at[k] = p.obj(k)?.int(`${k}_at`, { required: true, min: 0 });
    const proc = p.obj('processor_details');
    proc?.str('type', { oneOf: ['custom'] });
    const reference = proc?.obj('custom')?.str('payment_reference', { max: 5000 }) ?? null;
    const ship = p.obj('shipping_details');
    const shipping = ship
      ? {
          address: address(ship.obj('address')),
          name: ship.str('name', { max: 5000 }) ?? null,
          phone: ship.str('phone', { max: 100 }) ?? null,
        }
      : null;
    p.done();
    if (outcome && at[outcome] === undefined) {
      throw invalid(
        `Missing required param: ${outcome}[${outcome}_at] (outcome is ${outcome}).`,
        `${outcome}[${outcome}_at]`,
        'parameter_missing',
      );
    }
    const zero = amountOf(0, currency);
    const id = store.newId('pr');
    const details: Obj = { billing_details: billingDetails, payment_method: pmId ?? null, type: pmId ? 'card' : 'custom' };
    if (!pmId) details.custom = { display_name: displayName ?? 'Other', type: customType };
    const record: Obj = {
      id,
      object: 'payment_record',
      amount: amountOf(value, currency),
      amount_authorized: outcome === 'guaranteed' ? amountOf(value, currency) : zero,
      amount_canceled: outcome === 'canceled' ? amountOf(value, currency) : zero,
      amount_failed: outcome === 'failed' ? amountOf(value, currency) : zero,
      amount_guaranteed: outcome === 'guaranteed' ? amountOf(value, currency) : zero,
      amount_refunded: zero,
      amount_requested: amountOf(value, currency),
      application: null,
      created: store.now(),
      customer_details: customerDetails,
      customer_presence: presence,
      description,
      latest_payment_attempt_record: store.newId('par'),
      livemode: false,
      metadata: mergeMetadata({}, metadata),
      payment_method_details: details,
      processor_details: reference ? { custom: { payment_reference: reference }, type: 'custom' } : { type: 'custom' },
      reported_by: 'self',
      shipping_details: shipping,
    };
    store.insert(record);
    store.setMeta(id, { outcome: outcome ?? 'informational', initiatedAt });
    return record;
  });

  ctx.route('GET', '/v1/payment_records', ({ params: p, url }) => {
    const after = p.int('created_after');
    const before = p.int('created_before');
    const items = store
      .all('payment_record')
      .filter((r) => (after === undefined || (r.created as number) > after) && (before === undefined || (r.created as number) < before));
    return paginate(p, items, url);
  });

  ctx.route('GET', '/v1/payment_records/:id', ({ path }) => store.must('payment_record', path.id!));
}
