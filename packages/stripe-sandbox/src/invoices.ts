/** /v1/invoices: create, retrieve, update, finalize, void, list, search, lines. Payments: invoice-payments.ts. */
import type { Ctx } from './context.js';
import { applyBalanceToInvoice, unapplyBalanceFromInvoice } from './customer-balance.js';
import { addItemToInvoice, recalc } from './invoice-items.js';
import { createdFilter, pageFromStore, paginate, search } from './lists.js';
import type { Store } from './store.js';
import { invalid, mergeMetadata, previousAttributes, type Obj, type Params } from './wire.js';

function baseInvoice(id: string, created: number, customer: Obj, currency: string): Obj {
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Payment Kiosk (sandbox)',
    account_tax_ids: null,
    amount_due: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    automatic_tax: { enabled: false, liability: null, status: null, disabled_reason: null, provider: null },
    billing_reason: 'manual',
    collection_method: 'charge_automatically',
    confirmation_secret: null,
    created,
    currency,
    custom_fields: null,
    customer: customer.id,
    ...customerSnapshot(customer),
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: 'list', data: [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: created,
    period_start: created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: { amount_tax_display: null, pdf: { page_size: 'auto' }, template: null, template_version: null },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: null,
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    webhooks_delivered_at: null,
    automatically_finalizes_at: null,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    amount_overpaid: 0,
    parent: null,
    customer_account: null,
  };
}

function customerSnapshot(c: Obj): Obj {
  return {
    customer_address: c.address ? structuredClone(c.address) : null,
    customer_email: c.email ?? null,
    customer_name: c.name ?? null,
    customer_phone: c.phone ?? null,
    customer_shipping: c.shipping ? structuredClone(c.shipping) : null,
  };
}

/** Finalizes a draft: number from the customer's prefix, status open (or paid when nothing is due). */
export function finalizeInvoice(ctx: Ctx, inv: Obj): void {
  const { store } = ctx;
  const before = structuredClone(inv);
  const customer = store.must('customer', inv.customer as string, 'customer');
  const seq = customer.next_invoice_sequence as number;
  customer.next_invoice_sequence = seq + 1;
  store.save(customer);
  const now = store.now();
  Object.assign(inv, customerSnapshot(customer), {
    number: `${String(customer.invoice_prefix)}-${String(seq).padStart(4, '0')}`,
    status: 'open',
    effective_at: now,
    status_transitions: { ...(inv.status_transitions as Obj), finalized_at: now },
    hosted_invoice_url: `https://invoice.stripe.com/i/sandbox/${String(inv.id)}`,
    invoice_pdf: `https://pay.stripe.com/invoice/sandbox/${String(inv.id)}/pdf`,
    next_payment_attempt: inv.collection_method === 'charge_automatically' && inv.auto_advance ? now + 3600 : null,
  });
  const meta = store.meta<{ daysUntilDue: number }>(inv.id as string);
  if (inv.collection_method === 'send_invoice' && inv.due_date === null) inv.due_date = now + (meta.daysUntilDue ?? 30) * 86_400;
  recalc(inv);
  // The customer's credit (or what they owe) goes onto the invoice now, as Stripe does at finalization.
  applyBalanceToInvoice(store, customer, inv);
  recalc(inv);
  store.save(inv);
  store.emit('invoice.finalized', inv, previousAttributes(before, inv));
  if (inv.amount_remaining === 0) markPaid(store, inv);
}

export function markPaid(store: Store, inv: Obj): void {
  inv.status = 'paid';
  inv.next_payment_attempt = null;
  inv.status_transitions = { ...(inv.status_transitions as Obj), paid_at: store.now() };
  store.save(inv);
  store.emit('invoice.paid', inv);
}

function applyCommon(ctx: Ctx, p: Params, inv: Obj, draft: boolean): void {
  inv.metadata = mergeMetadata(inv.metadata, p.metadata());
  for (const k of ['description', 'footer'] as const) {
    if (p.has(k)) inv[k] = p.str(k, { max: 5000, empty: true }) || null;
  }
  const auto = p.bool('auto_advance');
  if (auto !== undefined) inv.auto_advance = auto;
  if (!draft) return;
  const cm = p.str('collection_method', { oneOf: ['charge_automatically', 'send_invoice'] });
  if (cm) inv.collection_method = cm;
  const days = p.int('days_until_due', { min: 0, max: 3650 });
  const due = p.int('due_date', { min: 0 });
  if (days !== undefined && due !== undefined) throw invalid('You may only specify one of days_until_due and due_date.', 'due_date');
  if (inv.collection_method === 'charge_automatically' && (days !== undefined || due !== undefined)) {
    throw invalid(
      `${days !== undefined ? 'days_until_due' : 'due_date'} can only be set when collection_method is send_invoice.`,
      days !== undefined ? 'days_until_due' : 'due_date',
    );
  }
  if (due !== undefined) inv.due_date = due;
  if (days !== undefined) {
    inv.due_date = null;
    ctx.store.setMeta(inv.id as string, { daysUntilDue: days });
  }
  if (p.has('default_payment_method')) {
    const pm = p.str('default_payment_method', { max: 255, empty: true });
    if (pm) ctx.store.must('payment_method', pm, 'default_payment_method');
    inv.default_payment_method = pm || null;
  }
  if (p.has('statement_descriptor')) inv.statement_descriptor = p.str('statement_descriptor', { max: 22, empty: true }) || null;
}

export function registerInvoices(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/invoices', ({ params: p }) => {
    const customer = store.must('customer', p.reqStr('customer', { max: 255 }), 'customer');
    const currency = p.currency('currency') ?? (customer.currency as string | null) ?? 'usd';
    const inv = baseInvoice(store.newId('in'), store.now(), customer, currency);
    applyCommon(ctx, p, inv, true);
    const pending = p.str('pending_invoice_items_behavior', { oneOf: ['include', 'exclude'] }) ?? 'exclude';
    p.done();
    if (
      inv.collection_method === 'send_invoice' &&
      inv.due_date === null &&
      store.meta<{ daysUntilDue: number }>(inv.id as string).daysUntilDue === undefined
    ) {
      throw invalid(
        'Missing required param: days_until_due (or due_date) when collection_method is send_invoice.',
        'days_until_due',
        'parameter_missing',
      );
    }
    store.insert(inv);
    if (pending === 'include') {
      const items = store
        .all('invoiceitem', customer.id as string)
        .filter((ii) => ii.invoice === null && ii.currency === currency)
        .reverse();
      for (const ii of items) addItemToInvoice(store, ii, inv);
      store.save(inv);
    }
    store.emit('invoice.created', inv);
    return inv;
  });

  ctx.route('GET', '/v1/invoices', ({ params: p, url }) => {
    const customer = p.str('customer', { max: 255 });
    const status = p.str('status', { oneOf: ['draft', 'open', 'paid', 'uncollectible', 'void'] });
    const cm = p.str('collection_method', { oneOf: ['charge_automatically', 'send_invoice'] });
    p.ignore('due_date', 'subscription');
    if (!status && !cm && !p.has('created')) return pageFromStore(p, store, 'invoice', customer, url);
    let items = customer ? store.all('invoice', customer) : store.all('invoice');
    if (status) items = items.filter((x) => x.status === status);
    if (cm) items = items.filter((x) => x.collection_method === cm);
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/invoices/search', ({ params: p, url }) =>
    search(p, store.all('invoice'), url, ['number', 'customer', 'status', 'total', 'currency', 'created']),
  );

  ctx.route('GET', '/v1/invoices/:id', ({ path }) => store.must('invoice', path.id!));

  ctx.route('GET', '/v1/invoices/:id/lines', ({ params: p, path, url }) => {
    const inv = store.must('invoice', path.id!);
    return paginate(p, (inv.lines as Obj).data as Obj[], url);
  });

  ctx.route('POST', '/v1/invoices/:id', ({ params: p, path }) => {
    const before = store.must('invoice', path.id!);
    const inv = structuredClone(before);
    if (inv.status === 'paid' || inv.status === 'void') {
      if (Object.keys(p.raw).some((k) => k !== 'metadata')) {
        throw invalid(
          `You can only update metadata on a ${String(inv.status)} invoice.`,
          Object.keys(p.raw).find((k) => k !== 'metadata'),
          'invoice_not_editable',
        );
      }
    }
    applyCommon(ctx, p, inv, inv.status === 'draft');
    p.done();
    const prev = previousAttributes(before, inv);
    store.save(inv);
    if (Object.keys(prev).length > 0) store.emit('invoice.updated', inv, prev);
    return inv;
  });

  ctx.route('POST', '/v1/invoices/:id/finalize', ({ params: p, path }) => {
    const inv = store.must('invoice', path.id!);
    const auto = p.bool('auto_advance');
    p.done();
    if (inv.status !== 'draft') {
      throw invalid(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`, undefined, 'invoice_not_editable');
    }
    if (auto !== undefined) inv.auto_advance = auto;
    finalizeInvoice(ctx, inv);
    return store.must('invoice', inv.id as string);
  });

  ctx.route('POST', '/v1/invoices/:id/void', ({ params: p, path }) => {
    const inv = store.must('invoice', path.id!);
    p.done();
    if (inv.status !== 'open' && inv.status !== 'uncollectible') {
      throw invalid(
        `You can only void an open or uncollectible invoice; this one is ${String(inv.status)}.`,
        undefined,
        'invoice_not_editable',
      );
    }
    const before = structuredClone(inv);
    unapplyBalanceFromInvoice(store, inv);
    Object.assign(inv, {
      status: 'void',
      next_payment_attempt: null,
      status_transitions: { ...(inv.status_transitions as Obj), voided_at: store.now() },
    });
    store.save(inv);
    store.emit('invoice.voided', inv, previousAttributes(before, inv));
    return inv;
  });
}
