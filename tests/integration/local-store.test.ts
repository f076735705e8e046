import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../electron/shared/contract';
import { openDatabase, type Db } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { AppError } from '../../electron/main/services/errors';
import { LocalStore } from '../../electron/main/services/local-store/local-store';
import type { PaymentMethodSummary, PaymentRecord } from '../../electron/main/services/local-store/types';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(): { db: Db; store: LocalStore; path: string; clock: { t: number } } {
  const t = tempDir();
  const path = join(t.dir, 'kiosk.db');
  const db = openDatabase(path, appMigrations);
  cleanups.push(() => {
    if (db.open) db.close();
    t.cleanup();
  });
  const clock = { t: 1_700_000_000_000 };
  return { db, store: new LocalStore(db, { now: () => clock.t }), path, clock };
}

const customer = (id: string, name: string, extra: Partial<Customer> = {}): Customer => ({
  id,
  name,
  email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
  phone: '(312) 555-0101',
  address: { line1: '12 Maple Ave', line2: null, city: 'Springfield', state: 'IL', postalCode: '62704', country: 'US' },
  ...extra,
});

const invoice = (id: string, customerId: string, issuedAt: number, extra: Partial<Invoice> = {}): Invoice => ({
  id,
  number: `ABCD1234-${id.slice(-4)}`,
  customerId,
  status: 'open',
  currency: 'usd',
  total: 12_500,
  amountDue: 12_500,
  amountPaid: 0,
  amountRemaining: 12_500,
  issuedAt,
  dueAt: issuedAt + 30 * 86400,
  ...extra,
});

const payment = (id: string, customerId: string, extra: Partial<PaymentRecord> = {}): PaymentRecord => ({
  id,
  customerId,
  invoiceId: null,
  amount: 5_000,
  currency: 'usd',
  status: 'succeeded',
  method: { type: 'card', brand: 'visa', last4: '4242' },
  created: 1_700_000_100,
  stationId: 'front-1',
  staffId: 'staff_1',
  ...extra,
});

const card = (id: string, extra: Partial<PaymentMethodSummary> = {}): PaymentMethodSummary => ({
  id,
  type: 'card',
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
  bankName: null,
  isDefault: false,
  ...extra,
});

const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('LocalStore', () => {
  it('upserts customers idempotently, search terms included', () => {
    const { db, store } = setup();
    const list = [customer('cus_1', 'Maria Garcia'), customer('cus_2', 'John Smith')];
    store.upsertCustomers(list, { version: 10 });
    const terms = count(db, 'ls_terms');
    store.upsertCustomers(list, { version: 10 });
    store.upsertCustomers(list, { version: 11 });
    expect(count(db, 'ls_customers')).toBe(2);
    expect(count(db, 'ls_terms')).toBe(terms);
    expect(store.getCustomer('cus_1')).toEqual(list[0]);
    expect(store.getCustomer('cus_missing')).toBeNull();
  });

  it('last write wins by version: an older update is ignored, a newer one replaces row and terms', () => {
    const { db, store } = setup();
    store.upsertCustomers([{ ...customer('cus_1', 'Maria Garcia'), version: 20 }]);
    store.upsertCustomers([{ ...customer('cus_1', 'Old Name'), version: 19 }]);
    expect(store.getCustomer('cus_1')?.name).toBe('Maria Garcia');
    store.upsertCustomers([customer('cus_1', 'Maria Lopez')], { version: 21 });
    expect(store.getCustomer('cus_1')?.name).toBe('Maria Lopez');
    const terms = db.prepare('SELECT term FROM ls_terms WHERE kind = 1 AND exact = 1 ORDER BY term').pluck().all();
    expect(terms).toEqual(['lopez', 'maria']);

    store.upsertInvoices([invoice('in_0001', 'cus_1', 1_700_000_000, { status: 'paid', amountPaid: 12_500, amountRemaining: 0 })], {
      version: 5,
    });
    store.upsertInvoices([invoice('in_0001', 'cus_1', 1_700_000_000)], { version: 4 });
    expect(store.getInvoice('in_0001')?.status).toBe('paid');
    store.upsertPayments([payment('pi_1', 'cus_1', { status: 'refunded' })], { version: 9 });
    store.upsertPayments([payment('pi_1', 'cus_1', { status: 'succeeded' })], { version: 8 });
    expect(store.paymentsForCustomer('cus_1')[0]?.status).toBe('refunded');
  });

  it('an upsert is one transaction: a bad row leaves nothing of the batch', () => {
    const { db, store } = setup();
    expect(() => store.upsertCustomers([customer('cus_1', 'A B'), customer('not an id', 'C D')])).toThrow(AppError);
    expect(count(db, 'ls_customers')).toBe(0);
    expect(count(db, 'ls_terms')).toBe(0);
  });

  it('reads are scoped by customer and ordered newest first', () => {
    const { store } = setup();
    store.upsertCustomers([customer('cus_1', 'Maria Garcia'), customer('cus_2', 'John Smith')]);
    store.upsertInvoices([
      invoice('in_0001', 'cus_1', 1_700_000_000),
      invoice('in_0002', 'cus_1', 1_700_500_000),
      invoice('in_0003', 'cus_2', 1_700_200_000),
    ]);
    store.upsertPayments([payment('pi_1', 'cus_1', { created: 1 }), payment('pi_2', 'cus_1', { created: 2 }), payment('pi_3', 'cus_2')]);
    store.upsertPaymentMethods('cus_1', [card('pm_1'), card('pm_2', { isDefault: true, brand: 'mastercard', last4: '4444' })]);
    store.upsertPaymentMethods('cus_2', [
      { ...card('pm_3'), type: 'us_bank_account', brand: null, bankName: 'STRIPE TEST BANK', last4: '6789', expMonth: null, expYear: null },
    ]);

    expect(store.invoicesForCustomer('cus_1').map((i) => i.id)).toEqual(['in_0002', 'in_0001']);
    expect(store.invoicesForCustomer('cus_2').map((i) => i.id)).toEqual(['in_0003']);
    expect(store.paymentsForCustomer('cus_1').map((p) => p.id)).toEqual(['pi_2', 'pi_1']);
    expect(store.paymentMethodsForCustomer('cus_1').map((m) => [m.id, m.isDefault])).toEqual([
      ['pm_2', true],
      ['pm_1', false],
    ]);
    expect(store.paymentMethodsForCustomer('cus_2')[0]).toMatchObject({
      type: 'us_bank_account',
      bankName: 'STRIPE TEST BANK',
      last4: '6789',
    });
    expect(store.getInvoice('in_0003', 'cus_1')).toBeNull();
    expect(store.getInvoice('in_0003', 'cus_2')?.customerId).toBe('cus_2');
    expect(store.findInvoiceByNumber(' abcd1234-0002 ')?.id).toBe('in_0002');
    expect(store.findInvoiceByNumber('nope')).toBeNull();
    expect(store.invoicesForCustomer('cus_unknown')).toEqual([]);
  });

  it('a saved-method set is replaced whole, unless a newer set is stored', () => {
    const { store } = setup();
    store.upsertPaymentMethods('cus_1', [card('pm_1'), card('pm_2')], { version: 5 });
    store.upsertPaymentMethods('cus_1', [card('pm_2')], { version: 6 });
    expect(store.paymentMethodsForCustomer('cus_1').map((m) => m.id)).toEqual(['pm_2']);
    store.upsertPaymentMethods('cus_1', [card('pm_1'), card('pm_9')], { version: 4 });
    expect(store.paymentMethodsForCustomer('cus_1').map((m) => m.id)).toEqual(['pm_2']);
    store.upsertPaymentMethods('cus_1', [card('pm_2')], { version: 6 });
    expect(store.paymentMethodsForCustomer('cus_1')).toHaveLength(1);
  });

  it('keeps the latest activity for ranking, whichever arrives first', () => {
    const { db, store } = setup();
    store.upsertInvoices([invoice('in_0001', 'cus_1', 1_700_000_000)]);
    store.upsertCustomers([customer('cus_1', 'Maria Garcia')]);
    const activity = () => db.prepare("SELECT activity FROM ls_customers WHERE id = 'cus_1'").pluck().get();
    expect(activity()).toBe(1_700_000_000);
    store.upsertPayments([payment('pi_1', 'cus_1', { created: 1_700_900_000 })]);
    expect(activity()).toBe(1_700_900_000);
    store.upsertInvoices([invoice('in_0002', 'cus_1', 1_600_000_000)]);
    expect(activity()).toBe(1_700_900_000);
    const sortKeys = db.prepare('SELECT DISTINCT sort_key FROM ls_terms').pluck().all();
    expect(sortKeys).toEqual([1_700_900_000]);
  });

  it('never stores a card number, even one passed in the wrong field', () => {
    const { db, store, path } = setup();
    const pan = '4242424242424242';
    // No phone here: its digits and their reverse sit side by side in the row and would read as 20 digits.
    store.upsertCustomers([customer('cus_1', 'Maria Garcia', { phone: null })]);
    store.upsertPaymentMethods('cus_1', [
      card('pm_1', { last4: pan, brand: `visa ${pan}`, bankName: '4242 4242 4242 4242' }),
      { ...card('pm_2'), type: 'us_bank_account', bankName: `Bank 5555-5555-5555-4444`, last4: '000123456789' },
    ]);
    store.upsertPayments([
      payment('pi_1', 'cus_1', { method: { type: 'card', brand: pan, last4: pan, bankName: pan }, stationId: pan, staffId: `x${pan}` }),
    ]);
    expect(() => store.upsertPaymentMethods('cus_1', [card(pan)])).toThrow(AppError);
    expect(() => store.upsertPayments([payment('pi_2', 'cus_1', { invoiceId: pan })])).toThrow(AppError);

    const methods = store.paymentMethodsForCustomer('cus_1');
    expect(methods[0]).toMatchObject({ last4: '4242', brand: 'visa', bankName: null });
    expect(methods[1]).toMatchObject({ last4: '6789', bankName: 'Bank' });
    expect(store.paymentsForCustomer('cus_1')[0]).toMatchObject({ method: { type: 'card', last4: '4242' }, stationId: null });

    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    for (const file of [path, `${path}-wal`]) {
      if (!existsSync(file)) continue;
      const text = readFileSync(file).toString('latin1');
      expect(text).not.toMatch(/\d{16}/);
      for (const given of [pan, '4242 4242 4242 4242', '5555-5555-5555-4444', '5555555555554444']) expect(text).not.toContain(given);
      expect(text).not.toMatch(/\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}/);
    }
  });

  it('keeps sync bookkeeping and reports asOf from the last successful sync', () => {
    const { store } = setup();
    expect(store.getSyncState()).toEqual({ cursor: null, lastFullLoadAt: null, lastSyncAt: null });
    expect(store.asOf()).toBeNull();
    store.setSyncState({ cursor: 'evt_1', lastFullLoadAt: 1_700_000_000_000, lastSyncAt: 1_700_000_000_000 });
    store.setSyncState({ cursor: 'evt_2', lastSyncAt: 1_700_000_060_500 });
    expect(store.getSyncState()).toEqual({ cursor: 'evt_2', lastFullLoadAt: 1_700_000_000_000, lastSyncAt: 1_700_000_060_500 });
    expect(store.asOf()).toBe(1_700_000_060);
  });

  it('defaults the version to the clock, so a later call wins', () => {
    const { store, clock } = setup();
    store.upsertCustomers([customer('cus_1', 'First Name')]);
    clock.t += 1;
    store.upsertCustomers([customer('cus_1', 'Second Name')]);
    expect(store.getCustomer('cus_1')?.name).toBe('Second Name');
  });

  it("keeps the customer's balance: from the sync's snapshots and the desk's credits, the newer one wins", () => {
    const { store } = setup();
    store.upsertCustomers([customer('cus_1', 'Ana')], { version: 1000 });
    expect(store.customerBalance('cus_1')).toBeNull();
    store.upsertCustomers([{ ...customer('cus_1', 'Ana'), balance: { amount: 0, currency: null } }], { version: 2000 });
    expect(store.customerBalance('cus_1')).toEqual({ amount: 0, currency: null });
    // A credit on account at the desk, as of its time at Stripe.
    store.setCustomerBalance('cus_1', { amount: -2500, currency: 'USD' }, 3000);
    expect(store.customerBalance('cus_1')).toEqual({ amount: -2500, currency: 'usd' });
    // An older snapshot (an event from before the credit, replayed) changes nothing; a customer upsert without a balance neither.
    store.upsertCustomers([{ ...customer('cus_1', 'Ana'), balance: { amount: 0, currency: 'usd' } }], { version: 2500 });
    store.upsertCustomers([customer('cus_1', 'Ana B')], { version: 4000 });
    expect(store.customerBalance('cus_1')).toEqual({ amount: -2500, currency: 'usd' });
    // The next invoice used the credit: the newer snapshot wins; a late, older credit answer does not undo it.
    store.upsertCustomers([{ ...customer('cus_1', 'Ana B'), balance: { amount: 0, currency: 'usd' } }], { version: 5000 });
    store.setCustomerBalance('cus_1', { amount: -2500, currency: 'usd' }, 3000);
    expect(store.customerBalance('cus_1')).toEqual({ amount: 0, currency: 'usd' });
  });
});
