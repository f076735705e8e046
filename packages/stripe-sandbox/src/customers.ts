/** /v1/customers: create, retrieve, update, list, search. */
import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.js';
import { createdFilter, pageFromStore, paginate, search } from './lists.js';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-methods.js';
import { address, invalid, mergeMetadata, previousAttributes, type Obj, type Params } from './wire.js';

function invoicePrefix(): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const b = randomBytes(8);
  let s = '';
  for (let i = 0; i < 8; i++) s += i < 4 ? letters[b[i]! % letters.length] : String(b[i]! % 10);
  return s;
}

export function registerCustomers(ctx: Ctx): void {
  const { store } = ctx;

  function apply(p: Params, c: Obj, creating: boolean): void {
    for (const k of ['email', 'name', 'phone', 'description'] as const) {
      if (!p.has(k)) continue;
      const v = p.str(k, { max: k === 'email' ? 512 : k === 'phone' ? 20 : 5000, empty: true });
      if (k === 'email' && v && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v))
        throw invalid(`Invalid email address: ${v.slice(0, 100)}`, 'email', 'email_invalid');
      c[k] = v ? v : null;
    }
    if (p.has('address')) c.address = p.isEmpty('address') ? null : address(p.obj('address'), c.address);
    c.metadata = mergeMetadata(c.metadata ?? {}, p.metadata());
    const locales = p.strArray('preferred_locales', { max: 10 });
    if (locales) c.preferred_locales = locales;
    const inv = p.obj('invoice_settings');
    const pmParam = creating ? p.str('payment_method', { max: 255 }) : undefined;
    if (pmParam) {
      // Attach at creation: the customer must exist first, so the caller saves it, then we attach.
      c.__attach = pmParam;
    }
    if (inv) {
      const settings = { ...(c.invoice_settings as Obj) };
      if (inv.has('default_payment_method')) {
        const pmId = inv.str('default_payment_method', { max: 255, empty: true });
        settings.default_payment_method = pmId ? pmId : null;
      }
      if (inv.has('footer')) settings.footer = inv.str('footer', { empty: true }) || null;
      c.invoice_settings = settings;
    }
  }

  function checkDefaultPm(c: Obj): void {
    const pmId = (c.invoice_settings as Obj).default_payment_method;
    if (typeof pmId !== 'string') return;
    const pm = store.get(pmId);
    if (!pm || pm.object !== 'payment_method' || pm.customer !== c.id) {
      throw invalid(
        `No such PaymentMethod: '${pmId}'; the payment method must be attached to customer '${String(c.id)}' first.`,
        'invoice_settings[default_payment_method]',
        'resource_missing',
      );
    }
  }

  ctx.route('POST', '/v1/customers', ({ params: p }) => {
    const c = baseCustomer(store.newId('cus'), store.now());
    apply(p, c, true);
    p.done();
    const attach = c.__attach as string | undefined;
    delete c.__attach;
    store.insert(c);
    if (attach) {
      const pm = attachPaymentMethod(ctx, resolvePaymentMethod(ctx, attach, 'payment_method'), c.id as string);
      if ((c.invoice_settings as Obj).default_payment_method === attach) {
        (c.invoice_settings as Obj).default_payment_method = pm.id;
      }
    }
    checkDefaultPm(c);
    store.save(c);
    store.emit('customer.created', c);
    return c;
  });

  ctx.route('GET', '/v1/customers', ({ params: p, url }) => {
    const email = p.str('email', { max: 512 });
    if (email === undefined && !p.has('created')) return pageFromStore(p, store, 'customer', undefined, url);
    let items = createdFilter(p, store.all('customer'));
    if (email !== undefined) items = items.filter((c) => c.email === email);
    return paginate(p, items, url);
  });

  ctx.route('GET', '/v1/customers/search', ({ params: p, url }) =>
    search(p, store.all('customer'), url, ['email', 'name', 'phone', 'created']),
  );

  ctx.route('GET', '/v1/customers/:id', ({ path }) => store.must('customer', path.id!));

  ctx.route('POST', '/v1/customers/:id', ({ params: p, path }) => {
    const before = store.must('customer', path.id!);
    const c = structuredClone(before);
    apply(p, c, false);
    p.done();
    checkDefaultPm(c);
    const prev = previousAttributes(before, c);
    store.save(c);
    if (Object.keys(prev).length > 0) store.emit('customer.updated', c, prev);
    return c;
  });
}

export function baseCustomer(id: string, created: number): Obj {
  return {
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: invoicePrefix(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
    customer_account: null,
  };
}
