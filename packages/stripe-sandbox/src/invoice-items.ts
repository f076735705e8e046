/** /v1/invoiceitems and the invoice line items and totals built from them. */
import type { Ctx } from './context.js';
import { createdFilter, paginate } from './lists.js';
import type { Store } from './store.js';
import { invalid, mergeMetadata, previousAttributes, type Obj } from './wire.js';

export function lineFromItem(store: Store, ii: Obj, invoiceId: string): Obj {
  return {
    id: store.newId('il'),
    object: 'line_item',
    amount: ii.amount,
    currency: ii.currency,
    description: ii.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: structuredClone(ii.metadata as Obj),
    period: structuredClone(ii.period as Obj),
    quantity: ii.quantity,
    subscription: null,
    pretax_credit_amounts: [],
    taxes: [],
    parent: {
      invoice_item_details: { invoice_item: ii.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    pricing: { price_details: null, type: 'price_details', unit_amount_decimal: (ii.pricing as Obj).unit_amount_decimal },
    subtotal: ii.amount,
    quantity_decimal: ii.quantity_decimal,
  };
}

/** Recomputes an invoice's totals from its lines and payments. */
export function recalc(inv: Obj): void {
  const lines = (inv.lines as Obj).data as Obj[];
  const subtotal = lines.reduce((s, l) => s + (l.amount as number), 0);
  const due = Math.max(0, subtotal + (inv.starting_balance as number));
  const paid = inv.amount_paid as number;
  Object.assign(inv, {
    subtotal,
    subtotal_excluding_tax: subtotal,
    total: subtotal,
    total_excluding_tax: subtotal,
    amount_due: due,
    amount_remaining: Math.max(0, due - paid),
    amount_overpaid: Math.max(0, paid - due),
  });
}

/** Adds one pending item to a draft invoice (the caller saves the invoice). */
export function addItemToInvoice(store: Store, ii: Obj, inv: Obj): void {
  ii.invoice = inv.id;
  store.save(ii);
  ((inv.lines as Obj).data as Obj[]).push(lineFromItem(store, ii, inv.id as string));
  recalc(inv);
}

export function registerInvoiceItems(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/invoiceitems', ({ params: p }) => {
    const customer = store.must('customer', p.reqStr('customer', { max: 255 }), 'customer');
    const invoiceId = p.str('invoice', { max: 255 });
    const inv = invoiceId ? store.must('invoice', invoiceId, 'invoice') : undefined;
    const amount = p.int('amount', { min: -99_999_999, max: 99_999_999 });
    const unitDecimal = p.str('unit_amount_decimal', { max: 40 });
    const quantity = p.int('quantity', { min: 0, max: 1_000_000 }) ?? 1;
    const currency = p.currency('currency', !inv) ?? (inv?.currency as string);
    const description = p.str('description', { max: 5000 }) ?? null;
    const metadata = mergeMetadata({}, p.metadata());
    const period = p.obj('period');
    const start = period?.int('start', { required: true, min: 0 });
    const end = period?.int('end', { required: true, min: 0 });
    p.ignore('discountable');
    p.done();
    if (amount === undefined && unitDecimal === undefined) throw invalid('Missing required param: amount.', 'amount', 'parameter_missing');
    if (amount !== undefined && unitDecimal !== undefined)
      throw invalid('You may only specify one of amount and unit_amount_decimal.', 'unit_amount_decimal');
    if (unitDecimal !== undefined && !/^-?\d+(\.\d{1,12})?$/.test(unitDecimal)) {
      throw invalid(`Invalid decimal: ${unitDecimal}`, 'unit_amount_decimal', 'parameter_invalid_string');
    }
    if (inv) {
      if (inv.status !== 'draft') throw invalid('You can only add invoice items to draft invoices.', 'invoice', 'invoice_not_editable');
      if (inv.customer !== customer.id) throw invalid('The invoice belongs to a different customer.', 'invoice');
      if (inv.currency !== currency)
        throw invalid(`The currency (${currency}) must match the invoice's currency (${String(inv.currency)}).`, 'currency');
    }
    const total = amount ?? Math.round(Number(unitDecimal) * quantity);
    const unit = unitDecimal ?? (quantity > 0 ? String(total / quantity) : String(total));
    const now = store.now();
    const ii: Obj = {
      id: store.newId('ii'),
      object: 'invoiceitem',
      amount: total,
      currency,
      customer: customer.id,
      date: now,
      description,
      discountable: true,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata,
      period: { end: end ?? now, start: start ?? now },
      proration: false,
      quantity,
      tax_rates: [],
      test_clock: null,
      parent: null,
      pricing: { price_details: null, type: 'price_details', unit_amount_decimal: unit },
      net_amount: total,
      customer_account: null,
      quantity_decimal: String(quantity),
    };
    store.insert(ii);
    store.emit('invoiceitem.created', ii);
    if (inv) {
      const before = structuredClone(inv);
      addItemToInvoice(store, ii, inv);
      store.save(inv);
      store.emit('invoice.updated', inv, previousAttributes(before, inv));
    }
    return ii;
  });

  ctx.route('GET', '/v1/invoiceitems', ({ params: p, url }) => {
    const customer = p.str('customer', { max: 255 });
    const invoice = p.str('invoice', { max: 255 });
    const pending = p.bool('pending');
    let items = customer ? store.all('invoiceitem', customer) : store.all('invoiceitem');
    if (invoice) items = items.filter((x) => x.invoice === invoice);
    if (pending !== undefined) items = items.filter((x) => (x.invoice === null) === pending);
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/invoiceitems/:id', ({ path }) => store.must('invoiceitem', path.id!));
}
