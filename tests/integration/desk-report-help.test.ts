/** Front desk end-of-day report (from Stripe + the local queue), its CSV and PDF, and the kiosk → desk hand-off. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { until } from '../helpers/until';

let k: TestKiosk;
let readerId: string;
beforeAll(async () => {
  k = await startTestKiosk();
  await k.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' });
  await k.kiosk.sync.runOnce();
  readerId = (await k.ok('mgr', 'deskReaders', {})).chosenReaderId!;
});
afterAll(async () => k.stop());

const today = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
const openInvoice = async () =>
  (await k.stripe.invoices.list({ limit: 100, status: 'open' })).data.sort((a, b) => b.amount_remaining - a.amount_remaining)[0]!;
const card = async (caller: string, amount: number, test: 'visa' | 'declined') => {
  const inv = await openInvoice();
  const started = await k.ok(caller, 'deskTakeCardPayment', {
    invoiceId: test === 'visa' ? inv.id : null,
    customerId: inv.customer as string,
    amount,
  });
  await k.ok(caller, 'deskPresentTestCard', { readerId, card: test });
  return until(async () => {
    const p = await k.ok(caller, 'deskCardPayment', { paymentId: started.paymentId });
    return ['succeeded', 'failed'].includes(p.status) ? p : null;
  });
};

describe('end-of-day report', () => {
  it('adds up the day by method, staff and status, matching what was taken', async () => {
    const paid = await card('mgr', 1500, 'visa');
    expect(paid.status).toBe('succeeded');
    expect((await card('mgr', 1200, 'declined')).status).toBe('failed');
    await k.ok('mgr', 'deskRefund', {
      requestId: randomUUID(),
      paymentIntentId: paid.paymentIntentId!,
      amount: 500,
      reason: 'requested_by_customer',
    });
    const inv = await openInvoice();
    await k.ok('mgr', 'deskRecordCash', { invoiceId: inv.id, amount: 1000 });
    await k.ok('mgr', 'deskRecordCheck', { invoiceId: inv.id, amount: 250, checkNumber: '77' });
    await k.ok('mgr', 'deskAddStaff', { name: '=Evil Clerk', pin: '1111', role: 'clerk' });
    await k.ok('evil', 'deskSignIn', { name: '=Evil Clerk', pin: '1111' });
    await k.ok('evil', 'deskRecordCash', { invoiceId: inv.id, amount: 125 });

    const r = await k.ok('mgr', 'deskReport', { date: today(), scope: 'station' });
    const method = (m: string) => r.byMethod.find((x) => x.method === m)!;
    expect(method('card_present')).toMatchObject({ count: 1, amount: 1500 });
    expect(method('cash')).toMatchObject({ count: 2, amount: 1125 });
    expect(method('check')).toMatchObject({ count: 1, amount: 250 });
    expect(r.byStaff.find((s) => s.name === 'Mia Manager')).toMatchObject({ count: 3, amount: 2750 });
    expect(r.byStaff.find((s) => s.name === '=Evil Clerk')).toMatchObject({ count: 1, amount: 125 });
    expect(r.byStatus.find((s) => s.status === 'failed')!.count).toBeGreaterThanOrEqual(1);
    expect(r.refunds).toMatchObject({ count: 1, amount: 500 });
    expect(r.total.amount).toBe(r.byMethod.reduce((a, m) => a + m.amount, 0));
    expect(r.net).toBe(r.total.amount - r.refunds.amount);
    expect(r).toMatchObject({ scope: 'station', stationId: 'station-1', timeZone: 'America/Chicago' });
    // No date: today where the station is (not where the screen or the machine's clock zone is).
    expect(await k.ok('mgr', 'deskReport', { scope: 'station' })).toEqual(r);
    const office = await k.ok('mgr', 'deskReport', { date: today(), scope: 'office' });
    expect(office.total.amount).toBeGreaterThanOrEqual(r.total.amount);
    const yesterday = await k.ok('mgr', 'deskReport', { date: '2001-01-01', scope: 'station' });
    expect(yesterday.total).toEqual({ count: 0, amount: 0 });
    expect(await k.call('evil', 'deskReport', { date: today(), scope: 'station' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await k.call('mgr', 'deskReport', { date: 'yesterday', scope: 'station' })).toMatchObject({
      ok: false,
      error: { field: 'date' },
    });
  });

  it('office scope reads every station\u2019s payments, cash and checks included, from Stripe; station scope only its own', async () => {
    const before = await k.ok('mgr', 'deskReport', { date: today(), scope: 'office' });
    const cashOf = (r: typeof before, m: 'cash' | 'check') => r.byMethod.find((x) => x.method === m)!;
    // A second desk in the same office: its own machine and database, the same Stripe account.
    const other = await startTestKiosk({ stripe: k.kiosk.sandboxUrl!, settings: { stationId: 'station-2' } });
    try {
      await other.ok('mgr2', 'deskCreateFirstManager', { name: 'Olu Other', pin: '1357' });
      await other.kiosk.sync.runOnce();
      const inv = await openInvoice();
      await other.ok('mgr2', 'deskRecordCash', { invoiceId: inv.id, amount: 333 });
      await other.ok('mgr2', 'deskRecordCheck', { invoiceId: inv.id, amount: 444, checkNumber: '1001' });
      await until(async () => (await other.ok('mgr2', 'deskQueue', {})).items.every((i) => i.state === 'succeeded'));
      // And a card on its own reader (test helpers present the card, as in training).
      const reader = await other.ok('mgr2', 'deskRegisterReader', { registrationCode: 'simulated-wpe', label: 'Desk 2' });
      await other.ok('mgr2', 'deskChooseReader', { readerId: reader.id });
      const started = await other.ok('mgr2', 'deskTakeCardPayment', { invoiceId: null, customerId: inv.customer as string, amount: 222 });
      await until(async () => (await other.ok('mgr2', 'deskCardPayment', { paymentId: started.paymentId })).status === 'waiting_for_card');
      await other.stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id);
      await until(async () => (await other.ok('mgr2', 'deskCardPayment', { paymentId: started.paymentId })).status === 'succeeded');

      const office = await k.ok('mgr', 'deskReport', { date: today(), scope: 'office' });
      expect(cashOf(office, 'cash')).toEqual({
        method: 'cash',
        count: cashOf(before, 'cash').count + 1,
        amount: cashOf(before, 'cash').amount + 333,
      });
      expect(cashOf(office, 'check')).toEqual({
        method: 'check',
        count: cashOf(before, 'check').count + 1,
        amount: cashOf(before, 'check').amount + 444,
      });
      expect(office.total.amount).toBe(before.total.amount + 999);
      // Station 1 does not know station 2's staff: the name comes with the payments' metadata.
      expect(office.byStaff.find((s) => s.name === 'Olu Other')).toMatchObject({ count: 3, amount: 999 });
      const station = await k.ok('mgr', 'deskReport', { date: today(), scope: 'station' });
      expect(cashOf(station, 'cash')).toEqual(cashOf(before, 'cash'));
      // Station 2 sees the same office totals from its own machine.
      const seenThere = await other.ok('mgr2', 'deskReport', { date: today(), scope: 'office' });
      expect(seenThere.byMethod).toEqual(office.byMethod);
      // Station 2's cash and check are in the customer's history at station 1 after its sync (invoice_payment.paid
      // events name the records), and in the kiosk customer's Payments tab there.
      await k.kiosk.sync.runOnce();
      const history = (await k.ok('mgr', 'deskCustomer', { customerId: inv.customer as string })).payments;
      expect(history.filter((p) => p.amount === 333 || p.amount === 444).map((p) => [p.method.type, p.status, p.invoiceId])).toEqual(
        expect.arrayContaining([
          ['cash', 'succeeded', inv.id],
          ['check', 'succeeded', inv.id],
        ]),
      );
      // A third station's first full load lists them too (payment records are paged like everything else).
      const third = await startTestKiosk({ stripe: k.kiosk.sandboxUrl!, settings: { stationId: 'station-3' } });
      try {
        await third.ok('m3', 'deskCreateFirstManager', { name: 'Tia Third', pin: '8642' });
        await third.kiosk.sync.runOnce();
        const there = (await third.ok('m3', 'deskCustomer', { customerId: inv.customer as string })).payments;
        expect(there.filter((p) => p.method.type === 'cash' || p.method.type === 'check').length).toBeGreaterThanOrEqual(2);
        expect(there.some((p) => p.amount === 444 && p.method.type === 'check')).toBe(true);
      } finally {
        await third.stop();
      }
      const own = await other.ok('mgr2', 'deskReport', { date: today(), scope: 'station' });
      expect(own.total).toEqual({ count: 3, amount: 999 });
    } finally {
      await other.stop();
    }
  });

  it('exports CSV (quoted, formula-safe) and PDF', async () => {
    const { csv } = await k.ok('mgr', 'deskReportCsv', { date: today(), scope: 'station' });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('section,key,name,count,amount,currency');
    expect(lines).toContain('method,card_present,,1,15.00,usd');
    const evil = lines.find((l) => l.includes('Evil'))!;
    expect(evil).toContain(",'=Evil Clerk,");
    expect(lines.some((l) => /(^|,)[=+\-@]/.test(l))).toBe(false);
    const { base64 } = await k.ok('mgr', 'deskReportPdf', { date: today(), scope: 'station' });
    expect(Buffer.from(base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('kiosk → desk hand-off', () => {
  it('a kiosk customer asks for help; it travels through Stripe to the desk list; the desk resolves it', async () => {
    await k.signIn('kiosk');
    const asked = await k.ok('kiosk', 'helpRequest', { note: 'Question about my bill' });
    expect(asked.sharedWithDesk).toBe(true);
    const invoices = (await k.stripe.invoices.list({ limit: 100 })).data.filter((i) => i.metadata?.['help_id'] === asked.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.metadata).toMatchObject({ help_station: 'station-1', help_note: 'Question about my bill' });
    // The front desk is another machine: its own database, the same Stripe account, one search away.
    const desk = await startTestKiosk({ stripe: k.kiosk.sandboxUrl!, settings: { stationId: 'front-desk' } });
    try {
      await desk.ok('mgr', 'deskCreateFirstManager', { name: 'Fran Front', pin: '9753' });
      await desk.kiosk.sync.runOnce();
      const { requests } = await desk.ok('mgr', 'deskHelpList', {});
      const req = requests.find((r) => r.id === asked.id)!;
      expect(req).toMatchObject({ invoiceId: invoices[0]!.id, note: 'Question about my bill', stationId: 'station-1' });
      expect(req.customerName).toBeTruthy();
      await desk.ok('mgr', 'deskResolveHelp', { id: asked.id });
      expect((await desk.ok('mgr', 'deskHelpList', {})).requests.map((r) => r.id)).not.toContain(asked.id);
    } finally {
      await desk.stop();
    }
    expect(await k.call('mgr', 'helpRequest', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await k.call('kiosk', 'deskHelpList', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Resolved at the front desk: gone from this station's list too, and from the invoice at Stripe.
    expect((await k.ok('mgr', 'deskHelpList', {})).requests.map((r) => r.id)).not.toContain(asked.id);
    expect((await k.stripe.invoices.retrieve(invoices[0]!.id)).metadata?.['help_id']).toBeUndefined();
    expect((await k.stripe.invoices.search({ query: "metadata['help_open']:'true'" })).data).toHaveLength(0);
  });

  it('a walk-up (public) request stays on this station and is listed', async () => {
    const asked = await k.ok('walkup', 'helpRequest', { note: 'Need change' });
    expect(asked.sharedWithDesk).toBe(false);
    expect((await k.ok('mgr', 'deskHelpList', {})).requests.find((r) => r.id === asked.id)).toMatchObject({
      note: 'Need change',
      invoiceId: null,
    });
  });
});
