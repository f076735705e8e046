/**
 * Every object the sandbox serves has the keys and JSON value types of Stripe's own example
 * (tests/fixtures/stripe/fixtures3.json, from stripe/openapi). A null on either side is accepted
 * where the SDK's type for that field says `| null`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

type J = null | boolean | number | string | J[] | { [k: string]: J };
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stripe/fixtures3.json'), 'utf8')) as { resources: Record<string, J> };

const TYPES_FILES: Record<string, string[]> = {
  customer: ['Customers'], payment_method: ['PaymentMethods'], payment_intent: ['PaymentIntents'], setup_intent: ['SetupIntents'],
  charge: ['Charges'], invoiceitem: ['InvoiceItems'], invoice: ['Invoices', 'InvoiceLineItems', 'InvoicePayments'], event: ['Events'],
  mandate: ['Mandates'], line_item: ['InvoiceLineItems'], invoice_payment: ['InvoicePayments'],
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
      const a = v, b = o[k]!;
      if (a === null || b === null) {
        if (a !== b && !nullable.has(k)) errors.push(`${p}: ${kind(a)} in fixture, ${kind(b)} in sandbox, and the SDK type is not nullable`);
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
  if (Array.isArray(fx) && Array.isArray(ours) && fx.length > 0 && ours.length > 0) compare(fx[0]!, ours[0]!, `${path}[]`, nullable, errors);
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
  const errors: string[] = [];
  compare(example, ours, resource, nullableFields(resource), errors);
  expect(errors).toEqual([]);
}

let t: TestSandbox;
let stripe: Stripe;
beforeAll(async () => {
  t = await startTestSandbox();
  stripe = t.stripe;
});
afterAll(() => t.stop());

describe('conformance with Stripe fixtures', () => {
  it('every resource the sandbox serves', async () => {
    const cus = await stripe.customers.create({ email: 'shape@x.io', name: 'Shape', address: { line1: '1 A St' } });
    check('customer', cus);
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 8, exp_year: 2030, cvc: '123' }, billing_details: { name: 'Shape' } });
    check('payment_method', await stripe.paymentMethods.attach(pm.id, { customer: cus.id }));
    const pi = await stripe.paymentIntents.create({ amount: 1099, currency: 'usd', customer: cus.id, payment_method: pm.id, confirm: true });
    check('payment_intent', pi);
    const declined = (await stripe.paymentIntents.create({ amount: 1099, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }).catch((e: Stripe.errors.StripeCardError) => e.payment_intent))!;
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
      customer: cus.id, allowed_payment_method_types: ['us_bank_account'], payment_method: 'pm_usBankAccount_success', confirm: true,
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
});
