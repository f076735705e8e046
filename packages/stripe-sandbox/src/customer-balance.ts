/**
 * /v1/customers/:id/balance_transactions: the customer's credit balance (create, retrieve, update,
 * list), and how invoices use it. `customer.balance` is Stripe's sign: negative is credit the next
 * finalized invoice uses up (`applied_to_invoice`), positive is owed and added to it; voiding an
 * invoice gives back what it took (`unapplied_from_invoice`). Every change emits `customer.updated`.
 */
import type { Ctx } from './context.js';
import { createdFilter, pageFromStore, paginate } from './lists.js';
import type { Store } from './store.js';
import { invalid, mergeMetadata, notFound, type Obj } from './wire.js';

const TYPE = 'customer_balance_transaction';
const MAX = 99_999_999;

export type BalanceTxnType = 'adjustment' | 'applied_to_invoice' | 'unapplied_from_invoice';

/**
 * Moves the customer's balance by `amount` (negative: credit) and records the transaction; sets the
 * customer's currency when it has none. The caller has checked the currency.
 */
export function recordBalanceTransaction(
  store: Store,
  customer: Obj,
  input: { amount: number; currency: string; type: BalanceTxnType; description?: string | null; invoice?: string | null; metadata?: Obj },
): Obj {
  const before = structuredClone(customer);
  const ending = (customer.balance as number) + input.amount;
  customer.balance = ending;
  if (customer.currency === null) customer.currency = input.currency;
  store.save(customer);
  const txn: Obj = {
    id: store.newId('cbtxn'),
    object: TYPE,
    amount: input.amount,
    checkout_session: null,
    created: store.now(),
    credit_note: null,
    currency: input.currency,
    customer: customer.id,
    customer_account: null,
    description: input.description ?? null,
    ending_balance: ending,
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: input.type,
  };
  store.insert(txn);
  store.emit('customer.updated', customer, {
    balance: before.balance ?? 0,
    ...(before.currency === customer.currency ? {} : { currency: before.currency ?? null }),
  });
  return txn;
}

/**
 * At finalization: the customer's balance (in the invoice's currency) goes onto the invoice as
 * `starting_balance`; credit covers the total as far as it goes, an amount owed is added. Sets
 * `ending_balance`; the caller recalculates `amount_due`.
 */
export function applyBalanceToInvoice(store: Store, customer: Obj, inv: Obj): void {
  const balance = customer.balance as number;
  const sameCurrency = customer.currency === null || customer.currency === inv.currency;
  if (balance === 0 || !sameCurrency) {
    inv.starting_balance = 0;
    inv.ending_balance = 0;
    return;
  }
  const total = Math.max(0, inv.total as number);
  const ending = Math.min(0, balance + total);
  inv.starting_balance = balance;
  inv.ending_balance = ending;
  if (ending !== balance) {
    recordBalanceTransaction(store, customer, {
      amount: ending - balance,
      currency: inv.currency as string,
      type: 'applied_to_invoice',
      invoice: inv.id as string,
    });
  }
}

/** Voiding an invoice gives back the balance it used. */
export function unapplyBalanceFromInvoice(store: Store, inv: Obj): void {
  const starting = inv.starting_balance as number;
  const ending = (inv.ending_balance as number | null) ?? starting;
  const used = ending - starting;
  if (used === 0) return;
  const customer = store.must('customer', inv.customer as string, 'customer');
  recordBalanceTransaction(store, customer, {
    amount: -used,
    currency: inv.currency as string,
    type: 'unapplied_from_invoice',
    invoice: inv.id as string,
  });
}

export function registerCustomerBalance(ctx: Ctx): void {
  const { store } = ctx;

  const txnOf = (customerId: string, id: string): Obj => {
    store.must('customer', customerId, 'customer');
    const t = store.get(id);
    if (!t || t.object !== TYPE || t.customer !== customerId) throw notFound('customer balance transaction', id);
    return t;
  };

  ctx.route('POST', '/v1/customers/:id/balance_transactions', ({ params: p, path }) => {
    const customer = store.must('customer', path.id!, 'customer');
    const amount = p.int('amount', { required: true, min: -MAX, max: MAX })!;
    const currency = p.currency('currency', true)!;
    const description = p.str('description', { max: 350 }) ?? null;
    const metadata = mergeMetadata({}, p.metadata());
    p.done();
    if (amount === 0) throw invalid('The amount of a customer balance transaction cannot be zero.', 'amount');
    if (customer.currency !== null && customer.currency !== currency) {
      throw invalid(
        `The currency of this transaction (${currency}) must match the currency of the customer's balance (${String(customer.currency)}).`,
        'currency',
      );
    }
    return recordBalanceTransaction(store, customer, { amount, currency, type: 'adjustment', description, metadata });
  });

  ctx.route('GET', '/v1/customers/:id/balance_transactions', ({ params: p, path, url }) => {
    const customer = store.must('customer', path.id!, 'customer');
    const invoice = p.str('invoice', { max: 255 });
    if (!invoice && !p.has('created')) return pageFromStore(p, store, TYPE, customer.id as string, url);
    let items = store.all(TYPE, customer.id as string);
    if (invoice) items = items.filter((t) => t.invoice === invoice);
    return paginate(p, createdFilter(p, items), url);
  });

  ctx.route('GET', '/v1/customers/:id/balance_transactions/:txn', ({ path }) => txnOf(path.id!, path.txn!));

  ctx.route('POST', '/v1/customers/:id/balance_transactions/:txn', ({ params: p, path }) => {
    const t = txnOf(path.id!, path.txn!);
    if (p.has('description')) t.description = p.str('description', { max: 350, empty: true }) || null;
    t.metadata = mergeMetadata(t.metadata, p.metadata());
    p.done();
    store.save(t);
    return t;
  });
}
