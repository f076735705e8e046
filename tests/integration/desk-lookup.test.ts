/** Front desk lookup from the local copy (filled by the sync), and one customer's file. */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
let customer: Stripe.Customer;
beforeAll(async () => {
  k = await startTestKiosk();
  await k.ok('c', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' });
  await k.kiosk.sync.runOnce();
  customer = (await k.stripe.customers.list({ limit: 100 })).data.find((c) => c.email && c.phone && c.name)!;
});
afterAll(async () => k.stop());

describe('desk lookup', () => {
  it('finds a customer by name, email and phone, with how fresh the copy is', async () => {
    const byName = await k.ok('c', 'deskSearch', { query: customer.name!.split(' ')[0]! });
    expect(byName.customers.map((c) => c.id)).toContain(customer.id);
    expect(byName.asOf).toBeGreaterThan(1_700_000_000);
    const hit = byName.customers.find((c) => c.id === customer.id)!;
    expect(hit).toMatchObject({ name: customer.name, email: customer.email, phone: customer.phone });
    expect(hit.address?.postalCode).toBe(customer.address?.postal_code);
    expect((await k.ok('c', 'deskSearch', { query: customer.email! })).customers[0]!.id).toBe(customer.id);
    const digits = customer.phone!.replace(/\D/g, '').slice(-7);
    expect((await k.ok('c', 'deskSearch', { query: digits })).customers.map((c) => c.id)).toContain(customer.id);
  });

  it('finds an invoice by its number, with status and amount left', async () => {
    const inv = (await k.stripe.invoices.list({ limit: 100, customer: customer.id })).data.find((i) => i.number && i.status === 'open')!;
    const found = await k.ok('c', 'deskSearch', { query: inv.number! });
    expect(found.invoices[0]).toMatchObject({
      id: inv.id,
      number: inv.number,
      amountRemaining: inv.amount_remaining,
      customerId: customer.id,
    });
    expect(['open', 'overdue', 'partially_paid']).toContain(found.invoices[0]!.status);
  });

  it('refuses a 10,000-character search at the schema', async () => {
    const r = await k.call('c', 'deskSearch', { query: 'a'.repeat(10_000) });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'query' } });
  });

  it("shows one customer's invoices, payments and saved methods, offline too", async () => {
    await k.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      const file = await k.ok('c', 'deskCustomer', { customerId: customer.id });
      expect(file.customer.id).toBe(customer.id);
      expect(file.invoices.length).toBeGreaterThan(0);
      expect(file.invoices.every((i) => i.customerId === customer.id)).toBe(true);
      expect(Array.isArray(file.payments)).toBe(true);
      expect(file.methods.every((m) => !('number' in m))).toBe(true);
      expect(await k.call('c', 'deskCustomer', { customerId: 'cus_unknown' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      await k.admin('/__sandbox/outage', { mode: 'off' });
    }
  });
});
