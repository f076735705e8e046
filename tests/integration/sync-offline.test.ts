import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStore } from '../../electron/main/services/local-store/local-store';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
beforeAll(async () => {
  k = await startTestKiosk();
  await k.kiosk.sync.idle();
});
afterAll(async () => k.stop());

const store = () => (k.kiosk as unknown as { sync: { deps: { store: LocalStore } } }).sync.deps.store;

describe('the local copy', () => {
  it('is fully loaded through list pagination at start, with the sync cursor kept in SQLite', async () => {
    const r = await k.kiosk.sync.runOnce();
    expect(['full', 'incremental']).toContain(r.mode);
    const customers = await k.stripe.customers.list({ limit: 100 });
    for (const c of customers.data) {
      expect(store().getCustomer(c.id)?.email).toBe(c.email);
      const invoices = (await k.stripe.invoices.list({ customer: c.id, limit: 100 })).data.filter((i) => i.status !== 'draft');
      expect(
        store()
          .invoicesForCustomer(c.id)
          .map((i) => i.id)
          .sort(),
      ).toEqual(invoices.map((i) => i.id).sort());
    }
    const state = store().getSyncState();
    expect(state.cursor).toMatch(/^evt_/);
  });

  it('follows changes incrementally from the events after the cursor, and skips event types it does not use', async () => {
    const c = (await k.stripe.customers.list({ limit: 1 })).data[0]!;
    await k.stripe.customers.update(c.id, { name: 'Renamed Customer', phone: '+15125550999' });
    await k.stripe.setupIntents.create({ customer: c.id }); // an event the sync has no use for
    const r = await k.kiosk.sync.runOnce();
    expect(r.mode).toBe('incremental');
    expect(r.customers).toBeGreaterThanOrEqual(1);
    expect(r.skipped).toBeGreaterThanOrEqual(1);
    expect(store().getCustomer(c.id)).toMatchObject({ name: 'Renamed Customer', phone: '+15125550999' });
  });

  it('falls back to a full reload when the cursor is gone or the last sync is older than 30 days', async () => {
    store().setSyncState({ cursor: 'evt_gone000000000000' });
    expect((await k.kiosk.sync.runOnce()).mode).toBe('full');
    store().setSyncState({ lastSyncAt: Date.now() - 31 * 86_400_000 });
    expect((await k.kiosk.sync.runOnce()).mode).toBe('full');
    expect((await k.kiosk.sync.runOnce()).mode).toBe('incremental');
  });
});

describe('offline', () => {
  it('signs in, shows invoices from the local copy with their age, queues a saved-card payment, and sends it once when the line returns', async () => {
    await k.signIn('m', 0);
    const online = await k.ok('m', 'listInvoices', {});
    const target = online.invoices.find((i) => i.status === 'open')!;
    const visa = (await k.ok('m', 'listMethods', {})).methods.find((m) => m.type === 'card')!;
    const lastSync = store().getSyncState().lastSyncAt!;

    await k.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      await k.ok('m', 'signOut', {});
      await k.signIn('m', 0); // the account is local; the customer comes from the local copy
      const offline = await k.ok('m', 'listInvoices', {});
      expect(offline.invoices.map((i) => i.id).sort()).toEqual(online.invoices.map((i) => i.id).sort());
      expect(offline.asOf).toBe(Math.floor(lastSync / 1000));
      expect((await k.ok('m', 'connectivity', {})).state).toBe('offline');
      const methods = await k.ok('m', 'listMethods', {});
      expect(methods.methods.map((m) => m.id)).toContain(visa.id);

      const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: target.id });
      const req = { attemptId, paymentMethodId: visa.id, amount: 1111, nameOnAccount: 'Maria Garcia', postalCode: '78704' };
      const queued = await k.ok('m', 'paySaved', req);
      expect(queued).toMatchObject({ status: 'queued', amount: 1111, method: { last4: '4242' } });
      expect(await k.ok('m', 'paySaved', req)).toEqual(queued); // a second tap: the same queued payment
      // A new card needs the line: card numbers are never queued.
      const other = await k.ok('m', 'startPayment', { invoiceId: target.id });
      const { paymentMethodId: _pm, ...base } = { ...req, attemptId: other.attemptId };
      expect(
        await k.call('m', 'payNewCard', {
          ...base,
          saveForAutopay: false,
          card: { number: '4242424242424242', expMonth: 1, expYear: 2035, cvc: '123' },
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'stripe_unavailable' },
      });
      expect((await k.ok('m', 'connectivity', {})).waiting).toBe(1);
    } finally {
      await k.admin('/__sandbox/outage', { mode: 'off' });
    }
    await k.kiosk.connectivity.check();
    await k.kiosk.outbox.drain();
    const [item] = k.kiosk.outbox.list();
    expect(item).toMatchObject({ state: 'succeeded', kind: 'saved_method_charge' });
    const intents = (await k.stripe.paymentIntents.list({ limit: 100 })).data.filter(
      (p) => p.metadata?.['payment_id'] === (item!.payload as { attemptId: string }).attemptId,
    );
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ status: 'succeeded', amount: 1111 });
    const after = (await k.ok('m', 'listInvoices', {})).invoices.find((i) => i.id === target.id)!;
    expect(after.amountRemaining).toBe(target.amountRemaining - 1111);
  });

  it('refuses a payment over the offline limits with a clear message at the amount, and queues nothing', async () => {
    new SettingsService(createConfStore(k.dir), {}).update({ offlineMaxPayment: 500, offlineMaxTotal: 800 });
    await k.signIn('m2', 0);
    const inv = (await k.ok('m2', 'listInvoices', {})).invoices.find((i) => i.amountRemaining > 1000)!;
    const visa = (await k.ok('m2', 'listMethods', {})).methods.find((m) => m.type === 'card')!;
    const before = k.kiosk.outbox.list().length;
    await k.admin('/__sandbox/outage', { mode: 'refuse' });
    try {
      const pay = async (amount: number) => {
        const { attemptId } = await k.ok('m2', 'startPayment', { invoiceId: inv.id });
        return k.call('m2', 'paySaved', {
          attemptId,
          paymentMethodId: visa.id,
          amount,
          nameOnAccount: 'Maria Garcia',
          postalCode: '78704',
        });
      };
      const tooBig = await pay(501);
      expect(tooBig).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'amount' } });
      if (!tooBig.ok) expect(tooBig.error.message).toMatch(/at most \$5\.00/);
      expect((await pay(500)).ok).toBe(true);
      expect(await pay(400)).toMatchObject({ ok: false, error: { code: 'conflict', field: 'amount' } });
      expect(k.kiosk.outbox.list().length).toBe(before + 1);
    } finally {
      await k.admin('/__sandbox/outage', { mode: 'off' });
      new SettingsService(createConfStore(k.dir), {}).update({ offlineMaxPayment: 50_000, offlineMaxTotal: 200_000 });
    }
  });
});
