/**
 * Every object the sandbox serves has the keys and JSON value types of Stripe's own example
 * (tests/fixtures/stripe/fixtures3.json, from stripe/openapi). A null on either side is accepted
 * where the SDK's type for that field says `| null`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

type J = null | boolean | number | string | J[] | { [k: string]: J };
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stripe/fixtures3.json'), 'utf8')) as {
  resources: Record<string, J>;
};

const TYPES_FILES: Record<string, string[]> = {
  customer: ['Customers'],
  payment_method: ['PaymentMethods'],
  payment_intent: ['PaymentIntents'],
  setup_intent: ['SetupIntents'],
  charge: ['Charges'],
  invoiceitem: ['InvoiceItems'],
  invoice: ['Invoices', 'InvoiceLineItems', 'InvoicePayments'],
  event: ['Events'],
  mandate: ['Mandates'],
  line_item: ['InvoiceLineItems'],
  invoice_payment: ['InvoicePayments'],
  'terminal.reader': ['Terminal/Readers'],
  'terminal.location': ['Terminal/Locations'],
  'terminal.connection_token': ['Terminal/ConnectionTokens'],
  refund: ['Refunds'],
  payment_record: ['PaymentRecords'],
  customer_balance_transaction: ['CustomerBalanceTransactions'],
};

/** Field names declared `| null` anywhere in the resource's SDK type file (or the shared types, e.g. Address). */
function nullableFields(resource: string): Set<string> {
  const sdk = join(process.cwd(), 'node_modules/stripe/esm');
  const names = new Set<string>();
  for (const file of [...TYPES_FILES[resource]!.map((f) => join(sdk, 'resources', `${f}.d.ts`)), join(sdk, 'shared.d.ts')]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s+([a-z_0-9]+)\??: [^;]*\| null;/gm)) names.add(m[1]!);
  }
  return names;
}

// Where the fixture's example is a different kind of object than the one we can make.
const ALLOW: Record<string, string> = {
  'event.data.object': 'the fixture event carries a `plan`; ours carry the sandbox objects (checked on their own)',
  'event.data': 'see above',
  'mandate.payment_method_details.sepa_debit': 'the fixture mandate is SEPA; the sandbox makes us_bank_account mandates',
  'charge.source': 'the fixture charge was made from a legacy Source; PaymentIntent charges have source null',
  'invoice_payment.payment.payment_intent':
    'optional in the SDK type: a payment made by a payment record (cash, check) has payment_record instead',
};

function kind(v: J | undefined): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function compare(fx: J, ours: J, path: string, nullable: Set<string>, errors: string[]): void {
  if (ALLOW[path]) return;
  if (kind(fx) === 'object' && kind(ours) === 'object') {
    const o = ours as Record<string, J>;
    for (const [k, v] of Object.entries(fx as Record<string, J>)) {
      const p = `${path}.${k}`;
      if (ALLOW[p]) continue;
      if (!(k in o)) {
        errors.push(`${p}: missing`);
        continue;
      }
      const a = v,
        b = o[k]!;
      if (a === null || b === null) {
        if (a !== b && !nullable.has(k))
          errors.push(`${p}: ${kind(a)} in fixture, ${kind(b)} in sandbox, and the SDK type is not nullable`);
        continue;
      }
      if (k === 'metadata') {
        // Metadata keys are the caller's data, not part of the shape.
        if (kind(a) !== kind(b)) errors.push(`${p}: ${kind(a)} in fixture, ${kind(b)} in sandbox`);
        continue;
      }
      compare(a, b, p, nullable, errors);
    }
    return;
  }
  if (kind(fx) !== kind(ours)) {
    errors.push(`${path}: ${kind(fx)} in fixture, ${kind(ours)} in sandbox`);
    return;
  }
  if (Array.isArray(fx) && Array.isArray(ours) && fx.length > 0 && ours.length > 0)
    compare(fx[0]!, ours[0]!, `${path}[]`, nullable, errors);
}

function check(resource: string, obj: unknown): void {
  const fx = fixtures.resources[resource];
  expect(fx, resource).toBeDefined();
  const ours = JSON.parse(JSON.stringify(obj)) as Record<string, J>;
  delete ours.lastResponse;
  expect(ours.object).toBe(resource);
  let example = fx!;
  if (resource === 'payment_method' && ours.type !== 'card') {
    // The fixture is a card; a bank account PM has `us_bank_account` in place of `card`.
    const { card: _card, ...rest } = fx as Record<string, J>;
    example = rest;
    expect(kind(ours[ours.type as string])).toBe('object');
  }
  const pmd = ours.payment_method_details as Record<string, J> | undefined;
  if (resource === 'charge' && pmd && pmd.type !== 'card') {
    // The fixture charge is a card charge; a card_present charge has `card_present` in place of `card`.
    const { card: _card, ...details } = (fx as Record<string, Record<string, J>>).payment_method_details!;
    example = { ...(fx as Record<string, J>), payment_method_details: details };
    expect(kind(pmd[pmd.type as string])).toBe('object');
  }
  const errors: string[] = [];
  compare(example, ours, resource, nullableFields(resource), errors);
  expect(errors).toEqual([]);
}

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

describe('conformance with Stripe fixtures', () => {
  it('every resource the sandbox serves', async () => {
    const cus = await stripe.customers.create({ email: 'shape@x.io', name: 'Shape', address: { line1: '1 A St' } });
    check('customer', cus);
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 8, exp_year: 2030, cvc: '123' },
      billing_details: { name: 'Shape' },
    });
    check('payment_method', await stripe.paymentMethods.attach(pm.id, { customer: cus.id }));
    const pi = await stripe.paymentIntents.create({
      amount: 1099,
      currency: 'usd',
      customer: cus.id,
      payment_method: pm.id,
      confirm: true,
    });
    check('payment_intent', pi);
    const declined = (await stripe.paymentIntents
      .create({ amount: 1099, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true })
      .catch((e: Stripe.errors.StripeCardError) => e.payment_intent))!;
    check('payment_intent', declined);
    check('charge', await stripe.charges.retrieve(pi.latest_charge as string));
    check('setup_intent', await stripe.setupIntents.create({ customer: cus.id, payment_method: 'pm_card_visa', confirm: true }));
    const inv = await stripe.invoices.create({ customer: cus.id });
    const ii = await stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: 'usd', invoice: inv.id, description: 'Item' });
    check('invoiceitem', ii);
    check('invoice', await stripe.invoices.finalizeInvoice(inv.id));
    check('line_item', (await stripe.invoices.listLineItems(inv.id)).data[0]);
    const paid = await stripe.invoices.pay(inv.id, { payment_method: pm.id });
    check('invoice', paid);
    check('invoice_payment', paid.payments!.data[0]);
    const ach = await stripe.setupIntents.create({
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: 'pm_usBankAccount_success',
      confirm: true,
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'kiosk' } } },
    });
    check('mandate', await stripe.mandates.retrieve(ach.mandate as string));
    const events = await stripe.events.list({ limit: 100 });
    for (const e of events.data) check('event', e);
    // Event snapshots are the same shapes as the objects themselves.
    for (const e of events.data) {
      const o = e.data.object as unknown as { object: string };
      if (fixtures.resources[o.object]) check(o.object, o);
    }
  });

  it('terminal locations, readers, connection tokens, card_present charges, refunds, payment records', async () => {
    const loc = await stripe.terminal.locations.create({
      display_name: 'Shape',
      address: { line1: '1 A St', city: 'X', postal_code: '12345', state: 'CA', country: 'US' },
    });
    check('terminal.location', loc);
    check('terminal.connection_token', await stripe.terminal.connectionTokens.create({ location: loc.id }));
    const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe', label: 'Shape', location: loc.id });
    check('terminal.reader', reader);
    const pi = await stripe.paymentIntents.create({
      amount: 1099,
      currency: 'usd',
      allowed_payment_method_types: ['card_present'],
      capture_method: 'manual',
    });
    check('terminal.reader', await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id }));
    check('terminal.reader', await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id));
    const captured = await stripe.paymentIntents.capture(pi.id);
    check('payment_intent', captured);
    check('charge', await stripe.charges.retrieve(captured.latest_charge as string));
    const pm = await stripe.paymentMethods.retrieve(captured.payment_method as string);
    check('payment_method', pm);
    const declined = await stripe.paymentIntents.create({
      amount: 1005,
      currency: 'usd',
      allowed_payment_method_types: ['card_present'],
      capture_method: 'manual',
    });
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: declined.id });
    check('terminal.reader', await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id));
    check('refund', await stripe.refunds.create({ payment_intent: pi.id, amount: 100 }));
    const now = Math.floor(Date.now() / 1000);
    const cus = await stripe.customers.create({ name: 'Cash' });
    const rec = await stripe.paymentRecords.reportPayment({
      amount_requested: { value: 500, currency: 'usd' },
      initiated_at: now,
      outcome: 'guaranteed',
      guaranteed: { guaranteed_at: now },
      payment_method_details: { type: 'custom', custom: { display_name: 'Cash' } },
      customer_details: { customer: cus.id },
    });
    check('payment_record', rec);
    const inv = await stripe.invoices.create({ customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 500, currency: 'usd', invoice: inv.id, description: 'Item' });
    await stripe.invoices.finalizeInvoice(inv.id);
    const paid = await stripe.invoices.attachPayment(inv.id, { payment_record: rec.id });
    check('invoice', paid);
    check('invoice_payment', paid.payments!.data[0]);
    const events = await stripe.events.list({ limit: 100 });
    for (const e of events.data) {
      const o = e.data.object as unknown as { object: string };
      if (fixtures.resources[o.object]) check(o.object, o);
    }
  });

  it('customer balance transactions, and an invoice finalized with the credit', async () => {
    const cus = await stripe.customers.create({ name: 'Credit' });
    const credit = await stripe.customers.createBalanceTransaction(cus.id, {
      amount: -700,
      currency: 'usd',
      description: 'On account',
      metadata: { desk_payment_id: 'dp_1' },
    });
    check('customer_balance_transaction', credit);
    check('customer_balance_transaction', await stripe.customers.retrieveBalanceTransaction(cus.id, credit.id));
    check('customer', await stripe.customers.retrieve(cus.id));
    const inv = await stripe.invoices.create({ customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 500, currency: 'usd', invoice: inv.id, description: 'Item' });
    check('invoice', await stripe.invoices.finalizeInvoice(inv.id));
    const listed = await stripe.customers.listBalanceTransactions(cus.id);
    expect(listed.data.map((t) => t.type)).toEqual(['applied_to_invoice', 'adjustment']);
    for (const t of listed.data) check('customer_balance_transaction', t);
  });
});
