/** Paying invoices: pay, attach_payment (partial payments), invoice_payment objects, intent hooks. */
import type { Ctx } from './context.js';
import { confirmPaymentIntent } from './confirm.js';
import { finalizeInvoice, markPaid } from './invoices.js';
import { recalc } from './invoice-items.js';
import { paginate } from './lists.js';
import { basePaymentIntent } from './payment-intents.js';
import { resolvePaymentMethod } from './payment-methods.js';
import type { Store } from './store.js';
import { invalid, previousAttributes, type Obj } from './wire.js';

interface IntentLink {
  invoice?: string;
  invoicePayment?: string;
}

function createInvoicePayment(store: Store, inv: Obj, pi: Obj, isDefault: boolean): Obj {
  const ip: Obj = {
    id: store.newId('inpay'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: pi.amount,
    created: store.now(),
    currency: pi.currency,
    invoice: inv.id,
    is_default: isDefault,
    livemode: false,
    payment: { payment_intent: pi.id, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
  store.insert(ip);
  store.setMeta(pi.id as string, { invoice: inv.id as string, invoicePayment: ip.id as string } satisfies IntentLink);
  refreshPayments(store, inv);
  return ip;
}

function paymentsOf(store: Store, invoiceId: string): Obj[] {
  return store.invoicePayments(invoiceId);
}

/** Like Stripe, the invoice carries its first 10 payments inline; the rest are a list call away. */
function refreshPayments(store: Store, inv: Obj): void {
  const all = paymentsOf(store, inv.id as string);
  inv.payments = {
    object: 'list',
    data: all.slice(0, 10),
    has_more: all.length > 10,
    url: `/v1/invoice_payments?invoice=${String(inv.id)}`,
  };
}

/** A linked PaymentIntent succeeded: move amount_paid / amount_remaining, maybe mark paid. */
function applyPayment(ctx: Ctx, pi: Obj): void {
  const { store } = ctx;
  const link = store.meta<IntentLink>(pi.id as string);
  if (!link.invoice || !link.invoicePayment) return;
  const ip = store.must('invoice_payment', link.invoicePayment);
  if (ip.status === 'paid') return;
  const now = store.now();
  Object.assign(ip, { status: 'paid', amount_paid: pi.amount_received, status_transitions: { canceled_at: null, paid_at: now } });
  store.save(ip);
  store.emit('invoice_payment.paid', ip);
  const inv = store.must('invoice', link.invoice);
  if (inv.status !== 'open' && inv.status !== 'draft') {
    // Paid (or voided) meanwhile: the money is not applied, but the invoice's payments show it was paid.
    refreshPayments(store, inv);
    store.save(inv);
    return;
  }
  const before = structuredClone(inv);
  inv.amount_paid = (inv.amount_paid as number) + (pi.amount_received as number);
  inv.attempted = true;
  recalc(inv);
  refreshPayments(store, inv);
  store.save(inv);
  store.emit('invoice.updated', inv, previousAttributes(before, inv));
  if (inv.status === 'open' && inv.amount_remaining === 0) {
    markPaid(store, inv);
    store.emit('invoice.payment_succeeded', inv);
  }
}

function paymentFailed(ctx: Ctx, pi: Obj): void {
  const { store } = ctx;
  const link = store.meta<IntentLink>(pi.id as string);
  if (!link.invoice) return;
  const inv = store.must('invoice', link.invoice);
  if (inv.status !== 'open') return;
  inv.attempt_count = (inv.attempt_count as number) + 1;
  inv.attempted = true;
  refreshPayments(store, inv);
  store.save(inv);
  store.emit('invoice.payment_failed', inv);
}

export function registerInvoicePayments(ctx: Ctx): void {
  const { store } = ctx;
  ctx.hooks.intentSucceeded.push((pi) => applyPayment(ctx, pi));
  ctx.hooks.intentFailed.push((pi) => paymentFailed(ctx, pi));

  ctx.route('POST', '/v1/invoices/:id/pay', ({ params: p, path }) => {
    let inv = store.must('invoice', path.id!);
    const outOfBand = p.bool('paid_out_of_band') ?? false;
    const pmParam = p.str('payment_method', { max: 255 });
    const mandate = p.str('mandate', { max: 255 });
    p.ignore('off_session', 'forgive');
    p.done();
    if (inv.status === 'draft') {
      finalizeInvoice(ctx, inv);
      inv = store.must('invoice', inv.id as string);
    }
    if (inv.status === 'paid') {
      if (outOfBand || pmParam) throw invalid('Invoice is already paid.', undefined, 'invoice_already_paid');
      return inv; // a zero-amount invoice is paid by finalizing it
    }
    if (inv.status !== 'open')
      throw invalid(`You cannot pay an invoice with status ${String(inv.status)}.`, undefined, 'invoice_not_editable');
    if (outOfBand) {
      const before = structuredClone(inv);
      const remaining = inv.amount_remaining as number;
      inv.amount_paid = (inv.amount_paid as number) + remaining;
      inv.amount_paid_off_stripe = remaining;
      recalc(inv);
      store.save(inv);
      store.emit('invoice.updated', inv, previousAttributes(before, inv));
      markPaid(store, inv);
      return inv;
    }
    const customer = store.must('customer', inv.customer as string, 'customer');
    const pmId =
      pmParam ??
      (inv.default_payment_method as string | null) ??
      ((customer.invoice_settings as Obj).default_payment_method as string | null);
    if (!pmId) {
      throw invalid(
        'This invoice cannot be paid: no payment_method was given and the customer has no default payment method.',
        'payment_method',
        'invoice_no_payment_method_types',
      );
    }
    const pm = resolvePaymentMethod(ctx, pmId, 'payment_method');
    let pi: Obj | undefined;
    const existing = paymentsOf(store, inv.id as string).find((x) => x.is_default);
    if (existing) {
      const prior = store.get((existing.payment as Obj).payment_intent as string);
      if (prior && ['requires_payment_method', 'requires_confirmation'].includes(prior.status as string)) pi = prior;
    }
    if (!pi) {
      pi = basePaymentIntent(store.newId('pi'), store.now());
      Object.assign(pi, {
        amount: inv.amount_remaining,
        currency: inv.currency,
        customer: inv.customer,
        description: `Payment for Invoice ${String(inv.number)}`,
        allowed_payment_method_types: ['card', 'us_bank_account'],
        payment_method_types: ['card', 'us_bank_account'],
      });
      store.insert(pi);
      store.emit('payment_intent.created', pi);
      createInvoicePayment(store, inv, pi, !existing);
      store.save(inv);
    }
    const result = confirmPaymentIntent(ctx, pi, { paymentMethod: pm.id as string, ...(mandate ? { mandate } : {}) });
    if (!('object' in result)) return result; // a decline: 402 with error.payment_intent
    return store.must('invoice', inv.id as string);
  });

  ctx.route('POST', '/v1/invoices/:id/attach_payment', ({ params: p, path }) => {
    const inv = store.must('invoice', path.id!);
    const recordId = p.str('payment_record', { max: 255 });
    if (recordId) {
      if (p.has('payment_intent'))
        throw invalid('You may only specify one of these parameters: payment_intent, payment_record.', 'payment_record');
      p.done();
      return attachPaymentRecord(ctx, inv, recordId);
    }
    const piId = p.reqStr('payment_intent', { max: 255 });
    p.done();
    const pi = store.must('payment_intent', piId, 'payment_intent');
    if (inv.status !== 'open' && inv.status !== 'draft') {
      throw invalid(`You cannot attach a payment to an invoice with status ${String(inv.status)}.`, undefined, 'invoice_not_editable');
    }
    if (store.meta<IntentLink>(piId).invoice) throw invalid('This PaymentIntent is already attached to an invoice.', 'payment_intent');
    if (pi.currency !== inv.currency)
      throw invalid(
        `The PaymentIntent's currency (${String(pi.currency)}) does not match the invoice's (${String(inv.currency)}).`,
        'payment_intent',
      );
    if (pi.status === 'canceled') throw invalid('A canceled PaymentIntent cannot be attached.', 'payment_intent');
    const before = structuredClone(inv);
    createInvoicePayment(store, inv, pi, paymentsOf(store, inv.id as string).length === 0);
    store.save(inv);
    store.emit('invoice.updated', inv, previousAttributes(before, inv));
    if (pi.status === 'succeeded') applyPayment(ctx, pi);
    return store.must('invoice', inv.id as string);
  });

  ctx.route('GET', '/v1/invoice_payments', ({ params: p, url }) => {
    const invoice = p.str('invoice', { max: 255 });
    const payment = p.obj('payment');
    const piId = payment?.str('payment_intent', { max: 255 });
    const recordId = payment?.str('payment_record', { max: 255 });
    payment?.ignore('type');
    const status = p.str('status', { oneOf: ['canceled', 'open', 'paid'] });
    let items = store.all('invoice_payment');
    if (invoice) items = items.filter((x) => x.invoice === invoice);
    if (piId) items = items.filter((x) => (x.payment as Obj).payment_intent === piId);
    if (recordId) items = items.filter((x) => (x.payment as Obj).payment_record === recordId);
    if (status) items = items.filter((x) => x.status === status);
    return paginate(p, items, url);
  });

  ctx.route('GET', '/v1/invoice_payments/:id', ({ path }) => store.must('invoice_payment', path.id!));
}

interface RecordLink {
  invoice?: string;
  outcome?: string;
}

/**
 * Credits an invoice with a payment taken outside Stripe (cash, check) and reported as a
 * guaranteed payment record: the invoice_payment is paid at once, amount_paid/remaining move, and
 * the invoice is paid when nothing remains.
 */
function attachPaymentRecord(ctx: Ctx, inv: Obj, recordId: string): Obj {
  const { store } = ctx;
  const record = store.must('payment_record', recordId, 'payment_record');
  if (inv.status !== 'open' && inv.status !== 'draft') {
    throw invalid(`You cannot attach a payment to an invoice with status ${inv.status as string}.`, undefined, 'invoice_not_editable');
  }
  const link = store.meta<RecordLink>(recordId);
  if (link.invoice) throw invalid('This payment record is already attached to an invoice.', 'payment_record');
  if (link.outcome !== 'guaranteed') {
    throw invalid('Only a payment record whose outcome is guaranteed can pay an invoice.', 'payment_record');
  }
  const amount = record.amount_guaranteed as Obj;
  if (amount.currency !== inv.currency) {
    throw invalid(
      `The payment record's currency (${amount.currency as string}) does not match the invoice's (${inv.currency as string}).`,
      'payment_record',
    );
  }
  const value = amount.value as number;
  const now = store.now();
  const before = structuredClone(inv);
  const ip: Obj = {
    id: store.newId('inpay'),
    object: 'invoice_payment',
    amount_paid: value,
    amount_requested: value,
    created: now,
    currency: inv.currency,
    invoice: inv.id,
    is_default: paymentsOf(store, inv.id as string).length === 0,
    livemode: false,
    payment: { payment_record: recordId, type: 'payment_record' },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: now },
  };
  store.insert(ip);
  store.setMeta(recordId, { invoice: inv.id as string });
  store.emit('invoice_payment.paid', ip);
  inv.amount_paid = (inv.amount_paid as number) + value;
  inv.attempted = true;
  recalc(inv);
  refreshPayments(store, inv);
  store.save(inv);
  store.emit('invoice.updated', inv, previousAttributes(before, inv));
  if (inv.status === 'open' && inv.amount_remaining === 0) {
    markPaid(store, inv);
    store.emit('invoice.payment_succeeded', inv);
  }
  return store.must('invoice', inv.id as string);
}
