import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

describe('customers', () => {
  it('creates, retrieves and updates every supported field', async () => {
    const c = await stripe.customers.create({
      email: 'ana@example.com',
      name: 'Ana Pérez',
      phone: '+15555550100',
      description: 'front desk',
      address: { line1: '1 Main St', city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' },
      metadata: { account: 'A-1', tier: 'gold' },
    });
    expect(c).toMatchObject({ object: 'customer', email: 'ana@example.com', name: 'Ana Pérez', livemode: false, next_invoice_sequence: 1 });
    expect(c.id).toMatch(/^cus_/);
    expect(c.invoice_prefix).toMatch(/^[A-Z]{4}\d{4}$/);
    expect(c.address).toEqual({ line1: '1 Main St', line2: null, city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' });
    expect(await stripe.customers.retrieve(c.id)).toEqual(c);

    const u = await stripe.customers.update(c.id, {
      email: 'ana@new.example.com',
      phone: '',
      address: { line2: 'Apt 2' },
      metadata: { tier: '', note: 'vip' },
    });
    expect(u.email).toBe('ana@new.example.com');
    expect(u.phone).toBeNull();
    expect(u.address?.line1).toBe('1 Main St');
    expect(u.address?.line2).toBe('Apt 2');
    expect(u.metadata).toEqual({ account: 'A-1', note: 'vip' });
    await expect(stripe.customers.create({ email: 'not-an-email' })).rejects.toMatchObject({ param: 'email' });
  });

  it('sets invoice_settings.default_payment_method only to an attached method', async () => {
    const c = await stripe.customers.create({ name: 'Default PM' });
    await expect(stripe.customers.update(c.id, { invoice_settings: { default_payment_method: 'pm_card_visa' } })).rejects.toMatchObject({
      param: 'invoice_settings[default_payment_method]',
    });
    const pm = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: c.id });
    const u = await stripe.customers.update(c.id, {
      invoice_settings: { default_payment_method: pm.id },
      expand: ['invoice_settings.default_payment_method'],
    });
    expect((u.invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.brand).toBe('mastercard');
    const withPm = await stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const def = withPm.invoice_settings.default_payment_method as string;
    expect(def).toMatch(/^pm_/);
    expect(def).not.toBe('pm_card_visa');
    expect((await stripe.paymentMethods.retrieve(def)).customer).toBe(withPm.id);
  });

  it('lists by email and searches by email, name, phone and metadata', async () => {
    const a = await stripe.customers.create({ email: 'find@me.io', name: 'Finder One', phone: '+15550001', metadata: { club: 'chess' } });
    const b = await stripe.customers.create({ email: 'other@me.io', name: 'Finder Two', metadata: { club: 'chess' } });
    expect((await stripe.customers.list({ email: 'find@me.io' })).data.map((c) => c.id)).toEqual([a.id]);
    const byEmail = await stripe.customers.search({ query: "email:'find@me.io'" });
    expect(byEmail).toMatchObject({ object: 'search_result', has_more: false, next_page: null });
    expect(byEmail.data.map((c) => c.id)).toEqual([a.id]);
    expect((await stripe.customers.search({ query: `name:"Finder Two"` })).data.map((c) => c.id)).toEqual([b.id]);
    expect((await stripe.customers.search({ query: "phone:'+15550001'" })).data.map((c) => c.id)).toEqual([a.id]);
    expect((await stripe.customers.search({ query: "metadata['club']:'chess'" })).data.map((c) => c.id)).toEqual([b.id, a.id]);
    expect((await stripe.customers.search({ query: "metadata['club']:'chess' AND name:'Finder One'" })).data.map((c) => c.id)).toEqual([
      a.id,
    ]);
    expect((await stripe.customers.search({ query: "email:'find@me.io' OR email:'other@me.io'" })).data).toHaveLength(2);
    const page1 = await stripe.customers.search({ query: "metadata['club']:'chess'", limit: 1 });
    expect(page1.has_more).toBe(true);
    const page2 = await stripe.customers.search({ query: "metadata['club']:'chess'", limit: 1, page: page1.next_page! });
    expect(page2.data[0]!.id).toBe(a.id);
    const all: string[] = [];
    for await (const c of stripe.customers.search({ query: "metadata['club']:'chess'", limit: 1 })) all.push(c.id);
    expect(all).toEqual([b.id, a.id]);
    await expect(stripe.customers.search({ query: "shoe_size:'9'" })).rejects.toMatchObject({ param: 'query' });
  });
});
