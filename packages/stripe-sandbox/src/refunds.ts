/** /v1/refunds: create (by payment_intent or charge, full or partial), retrieve, update, list, cancel. */
import type { Ctx } from './context.js';
import { createdFilter, paginate } from './lists.js';
import { invalid, mergeMetadata, notFound, type Obj } from './wire.js';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

function money(n: number, currency: string): string {
  return `${(n / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function destination(charge: Obj): Obj {
  const type = (charge.payment_method_details as Obj | null)?.type;
  if (type === 'us_bank_account') return { type: 'us_bank_transfer', us_bank_transfer: { reference: null, reference_status: null } };
  return {
    card: { reference: null, reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
    type: 'card',
  };
}

export function registerRefunds(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/refunds', ({ params: p }) => {
    const piId = p.str('payment_intent', { max: 255 });
    const chargeId = p.str('charge', { max: 255 });
    const amount = p.int('amount', { min: 1 });
    const reason = p.str('reason', { oneOf: REASONS });
    const metadata = p.metadata();
    p.ignore('instructions_email', 'refund_application_fee', 'reverse_transfer');
    if (p.has('origin') || p.has('customer') || p.has('currency')) {
      p.ignore('origin', 'customer', 'currency');
      throw invalid('The offline sandbox refunds charges only (customer_balance refunds are not simulated).', 'origin');
    }
    p.done();
    if (!piId && !chargeId)
      throw invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
        'charge',
        'parameter_missing',
      );
    let charge: Obj;
    let pi: Obj | null = null;
    if (piId) {
      pi = store.must('payment_intent', piId, 'payment_intent');
      if (pi.status !== 'succeeded' || !pi.latest_charge) {
        throw invalid(
          `This PaymentIntent (${piId}) does not have a successful charge to refund.${pi.status === 'requires_capture' ? ' Cancel the PaymentIntent to release an uncaptured payment.' : ''}`,
          'payment_intent',
          'charge_not_refundable',
        );
      }
      charge = store.must('charge', pi.latest_charge as string, 'payment_intent');
      if (chargeId && chargeId !== charge.id) throw invalid(`The charge ${chargeId} does not belong to PaymentIntent ${piId}.`, 'charge');
    } else {
      charge = store.must('charge', chargeId!, 'charge');
      pi = typeof charge.payment_intent === 'string' ? (store.get(charge.payment_intent) ?? null) : null;
    }
    if (charge.status !== 'succeeded' || charge.captured !== true) {
      throw invalid(`Charge ${charge.id as string} has not been captured and cannot be refunded.`, 'charge', 'charge_not_refundable');
    }
    // A partial capture counts the uncaptured rest as refunded, so what is left is amount - amount_refunded.
    const total = charge.amount as number;
    const refunded = charge.amount_refunded as number;
    const left = total - refunded;
    if (left <= 0) throw invalid(`Charge ${charge.id as string} has already been refunded.`, 'charge', 'charge_already_refunded');
    const value = amount ?? left;
    if (value > left) {
      throw invalid(
        `Refund amount (${money(value, charge.currency as string)}) is greater than unrefunded amount on charge (${money(left, charge.currency as string)})`,
        'amount',
        'amount_too_large',
      );
    }
    const refund: Obj = {
      id: store.newId('re'),
      object: 'refund',
      amount: value,
      balance_transaction: store.newId('txn'),
      charge: charge.id,
      created: store.now(),
      currency: charge.currency,
      customer: charge.customer ?? null,
      customer_account: null,
      destination_details: destination(charge),
      metadata: mergeMetadata({}, metadata),
      payment_intent: pi?.id ?? null,
      payment_method: charge.payment_method ?? null,
      reason: reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    store.insert(refund);
    const prev = { amount_refunded: refunded, refunded: charge.refunded };
    charge.amount_refunded = refunded + value;
    charge.refunded = charge.amount_refunded === total;
    const list = (charge.refunds as Obj | undefined) ?? {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/charges/${charge.id as string}/refunds`,
    };
    charge.refunds = { ...list, data: [refund, ...((list.data as Obj[]) ?? [])] };
    store.save(charge);
    store.emit('refund.created', refund);
    store.emit('charge.refunded', charge, prev);
    return refund;
  });

  ctx.route('GET', '/v1/refunds', ({ params: p, url }) => {
    const chargeId = p.str('charge', { max: 255 });
    const piId = p.str('payment_intent', { max: 255 });
    let items = store.all('refund');
    if (chargeId) items = items.filter((r) => r.charge === chargeId);
    if (piId) items = items.filter((r) => r.payment_intent === piId);
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/refunds/:id', ({ path }) => store.must('refund', path.id!));

  ctx.route('POST', '/v1/refunds/:id', ({ params: p, path }) => {
    const refund = store.must('refund', path.id!);
    refund.metadata = mergeMetadata(refund.metadata, p.metadata());
    p.done();
    store.save(refund);
    store.emit('refund.updated', refund);
    return refund;
  });

  ctx.route('POST', '/v1/refunds/:id/cancel', ({ params: p, path }) => {
    const refund = store.get(path.id!);
    if (!refund || refund.object !== 'refund') throw notFound('refund', path.id!);
    p.done();
    throw invalid(
      `Refund ${path.id!} has a status of ${refund.status as string}; only refunds that require action can be canceled.`,
      undefined,
      'refund_not_cancelable',
    );
  });
}
