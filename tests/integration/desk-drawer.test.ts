/**
 * The station's cash drawer through the real dispatcher: open with a counted float, cash through the
 * drawer with change (the payment lands in the ledger and at the sandbox, the kick pulse reaches a
 * loopback printer), paid-in / paid-out, No sale (managers only), a restart with the drawer open,
 * close with a denomination count whose variance needs a manager's PIN, the close report printed as
 * ESC/POS (kick first), as PDF; bad input refused with its reason and nothing written; all audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAWER_DENOMINATIONS, denominationKey, type DrawerView } from '../../electron/shared/contract-drawer';
import { DRAWER_KICK } from '../../electron/main/services/drawer/drawer-report';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { printedLines, printedRows, startTestPrinter, type TestPrinter } from '../helpers/receipt-printer';

let k: TestKiosk;
let printer: TestPrinter;
beforeAll(async () => {
  printer = await startTestPrinter();
  k = await startTestKiosk({ settings: { drawerVarianceLimit: 500 } });
  await k.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' });
  await k.ok('mgr', 'deskAddStaff', { name: 'Carl Clerk', pin: '1357', role: 'clerk' });
  await k.ok('clerk', 'deskSignIn', { name: 'Carl Clerk', pin: '1357' });
  await k.kiosk.sync.runOnce();
  new SettingsService(createConfStore(k.dir)).update({ receiptPrinter: { kind: 'network', host: '127.0.0.1', port: printer.port } });
});
afterAll(async () => {
  await k.stop();
  await printer.off();
});

const openInvoice = async () =>
  (await k.stripe.invoices.list({ limit: 100, status: 'open' })).data
    .filter((i) => i.amount_remaining > 5000)
    .sort((a, b) => b.amount_remaining - a.amount_remaining)[0]!;
const reasonOf = (r: { ok: boolean; error?: { reason: string; field?: string } }) => (r.ok ? 'ok' : `${r.error!.reason}`);
const auditActions = async () =>
  (await k.ok('mgr', 'deskAudit', { limit: 200 })).entries.filter((e) => e.action.startsWith('drawer.')).map((e) => e.action);
/** Bills and coins making `cents`, largest first. */
const countFor = (cents: number): Record<string, number> => {
  const counts: Record<string, number> = {};
  let left = cents;
  for (const d of DRAWER_DENOMINATIONS) {
    const n = Math.floor(left / d.value);
    if (n > 0) counts[denominationKey(d)] = n;
    left -= n * d.value;
  }
  return counts;
};
/** Cash payments in the ledger (the payments table the drawer reads). */
const ledgerCash = () => k.kiosk.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM payments WHERE tender = 'cash'").get()!.n;

let drawer: DrawerView;

describe('the cash drawer', () => {
  it('cash with no open drawer asks to open one, and nothing is written', async () => {
    expect(await k.ok('clerk', 'deskDrawer', {})).toEqual({ drawer: null, varianceLimit: 500 });
    const inv = await openInvoice();
    const before = ledgerCash();
    const queued = k.kiosk.outbox.list().length;
    const r = await k.call('clerk', 'deskDrawerCash', { invoiceId: inv.id, amount: 1000, tendered: 1000 });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'drawer_not_open' } });
    expect(ledgerCash()).toBe(before);
    expect(k.kiosk.outbox.list()).toHaveLength(queued);
    expect(printer.jobs).toHaveLength(0);
  });

  it('opens with a counted float; a negative float or fractions of a cent are refused; one drawer per station', async () => {
    expect(reasonOf(await k.call('clerk', 'deskOpenDrawer', { float: -100 }))).toBe('drawer_amount_negative');
    expect(reasonOf(await k.call('clerk', 'deskOpenDrawer', { float: 100.5 }))).toBe('drawer_amount_not_cents');
    expect((await k.ok('clerk', 'deskDrawer', {})).drawer).toBeNull();
    drawer = await k.ok('clerk', 'deskOpenDrawer', { float: 10_000 });
    expect(drawer).toMatchObject({ status: 'open', float: 10_000, openedBy: 'Carl Clerk', cash: { expected: 10_000, counted: null } });
    expect(reasonOf(await k.call('mgr', 'deskOpenDrawer', { float: 5000 }))).toBe('drawer_already_open');
  });

  it('cash with change: the payment is in the ledger and at Stripe, the drawer expects it, and the drawer kicks open', async () => {
    const inv = await openInvoice();
    const short = await k.call('clerk', 'deskDrawerCash', { invoiceId: inv.id, amount: 1234, tendered: 1000 });
    expect(short).toMatchObject({ ok: false, error: { reason: 'drawer_tendered_short', field: 'tendered' } });
    expect(reasonOf(await k.call('clerk', 'deskDrawerCash', { invoiceId: inv.id, amount: 12.5, tendered: 2000 }))).toBe(
      'drawer_amount_not_cents',
    );
    expect(ledgerCash()).toBe(0);

    const paid = await k.ok('clerk', 'deskDrawerCash', { invoiceId: inv.id, amount: 1234, tendered: 2000 });
    expect(paid).toMatchObject({ status: 'sent', amount: 1234, tendered: 2000, change: 766, kick: { kicked: true, message: null } });
    expect((await k.stripe.invoices.retrieve(inv.id)).amount_remaining).toBe(inv.amount_remaining - 1234);
    expect(printer.jobs.map((j) => [...j])).toEqual([[...DRAWER_KICK]]);
    const now = (await k.ok('clerk', 'deskDrawer', {})).drawer!;
    expect(now).toMatchObject({ cashSales: { count: 1, amount: 1234 }, tendered: 2000, changeGiven: 766, cash: { expected: 11_234 } });
    // Cash on account through the drawer counts too.
    const onAccount = await k.ok('clerk', 'deskDrawerCash', { customerId: inv.customer as string, amount: 500, tendered: 500 });
    expect(onAccount).toMatchObject({ change: 0, kick: { kicked: true } });
    expect((await k.ok('clerk', 'deskDrawer', {})).drawer!.cash.expected).toBe(11_734);
  });

  it('paid-in and paid-out with a reason; a paid-out above the cash in the drawer is refused', async () => {
    const over = await k.call('clerk', 'deskDrawerPaidOut', { amount: 11_735, reason: 'bank deposit' });
    expect(over).toMatchObject({ ok: false, error: { reason: 'drawer_paid_out_over_cash', params: { max: 11_734, currency: 'usd' } } });
    expect(reasonOf(await k.call('clerk', 'deskDrawerPaidOut', { amount: 0, reason: 'nothing' }))).toBe('drawer_amount_zero');
    expect(reasonOf(await k.call('clerk', 'deskDrawerPaidOut', { amount: 100, reason: '' }))).toBe('invalid_input');
    const out = await k.ok('clerk', 'deskDrawerPaidOut', { amount: 1500, reason: 'postage stamps' });
    expect(out).toMatchObject({ paidOut: 1500, cash: { expected: 10_234 } });
    const inn = await k.ok('clerk', 'deskDrawerPaidIn', { amount: 300, reason: 'coins from the bank' });
    expect(inn).toMatchObject({ paidIn: 300, cash: { expected: 10_534 } });
    expect(inn.moves.map((m) => [m.kind, m.amount, m.reason])).toEqual([
      ['float', 10_000, null],
      ['sale', 1234, null],
      ['sale', 500, null],
      ['paid_out', -1500, 'postage stamps'],
      ['paid_in', 300, 'coins from the bank'],
    ]);
  });

  it('No sale: a clerk is refused; a manager opens the drawer, audited', async () => {
    const jobs = printer.jobs.length;
    expect(await k.call('clerk', 'deskDrawerNoSale', { reason: 'change for a customer' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(printer.jobs).toHaveLength(jobs);
    const r = await k.ok('mgr', 'deskDrawerNoSale', { reason: 'change for a customer' });
    expect(r.kick.kicked).toBe(true);
    expect(r.drawer.noSales).toBe(1);
    expect([...printer.jobs.at(-1)!]).toEqual([...DRAWER_KICK]);
  });

  it('a check taken while the drawer is open is expected in it', async () => {
    const inv = await openInvoice();
    await k.ok('clerk', 'deskRecordCheck', { invoiceId: inv.id, amount: 2500, checkNumber: '7001' });
    expect((await k.ok('clerk', 'deskDrawer', {})).drawer).toMatchObject({ checks: { count: 1, amount: 2500 }, check: { expected: 2500 } });
  });

  it('stays open across a restart with its figures', async () => {
    const before = (await k.ok('clerk', 'deskDrawer', {})).drawer!;
    await k.restart();
    await k.ok('clerk', 'deskSignIn', { name: 'Carl Clerk', pin: '1357' });
    await k.ok('mgr', 'deskSignIn', { name: 'Mia Manager', pin: '2468' });
    const after = (await k.ok('clerk', 'deskDrawer', {})).drawer!;
    expect(after).toEqual(before);
    expect(after.cash.expected).toBe(10_534);
  });

  it('close: bad counts refused; a variance over the limit needs a manager PIN; nothing written until it is right', async () => {
    const expected = 10_534;
    const short = countFor(expected - 700);
    expect(reasonOf(await k.call('clerk', 'deskCloseDrawer', { drawerId: drawer.id, counts: { 'bill:2000': -1 }, checks: 2500 }))).toBe(
      'drawer_amount_negative',
    );
    expect(reasonOf(await k.call('clerk', 'deskCloseDrawer', { drawerId: drawer.id, counts: { 'coin:25': 1.5 }, checks: 2500 }))).toBe(
      'drawer_amount_not_cents',
    );
    expect(reasonOf(await k.call('clerk', 'deskCloseDrawer', { drawerId: drawer.id, counts: short, checks: 25.001 }))).toBe(
      'drawer_amount_not_cents',
    );
    const needs = await k.call('clerk', 'deskCloseDrawer', { drawerId: drawer.id, counts: short, checks: 2500 });
    expect(needs).toMatchObject({
      ok: false,
      error: { code: 'forbidden', reason: 'drawer_variance_needs_manager', params: { amount: 700, limit: 500, currency: 'usd' } },
    });
    const byClerk = await k.call('clerk', 'deskCloseDrawer', {
      drawerId: drawer.id,
      counts: short,
      checks: 2500,
      approval: { name: 'Carl Clerk', pin: '1357' },
    });
    expect(reasonOf(byClerk)).toBe('drawer_approver_not_manager');
    const wrongPin = await k.call('clerk', 'deskCloseDrawer', {
      drawerId: drawer.id,
      counts: short,
      checks: 2500,
      approval: { name: 'Mia Manager', pin: '9999' },
    });
    expect(reasonOf(wrongPin)).toBe('drawer_manager_pin_wrong');
    expect((await k.ok('clerk', 'deskDrawer', {})).drawer).toMatchObject({ id: drawer.id, status: 'open', cash: { counted: null } });

    const jobs = printer.jobs.length;
    const closed = await k.ok('clerk', 'deskCloseDrawer', {
      drawerId: drawer.id,
      counts: short,
      checks: 2500,
      approval: { name: 'Mia Manager', pin: '2468' },
    });
    expect(closed.drawer).toMatchObject({
      status: 'closed',
      closedBy: 'Carl Clerk',
      approvedBy: 'Mia Manager',
      cash: { expected, counted: expected - 700, variance: -700 },
      check: { expected: 2500, counted: 2500, variance: 0 },
    });
    expect(closed.print).toEqual({ printed: true, message: null });
    // The close report: one job, the kick pulse first, then the report's rows.
    expect(printer.jobs).toHaveLength(jobs + 1);
    const job = printer.jobs.at(-1)!;
    expect([...job.subarray(0, DRAWER_KICK.length)]).toEqual([...DRAWER_KICK]);
    const lines = printedLines(job).map((l) => l.join(' | '));
    expect(lines).toContain('Cash drawer close');
    expect(lines).toContain('TRAINING — NOT REAL MONEY');
    const rows = printedRows(job);
    expect(rows.get('Float')).toBe('$100.00');
    expect(rows.get('Cash payments (2)')).toBe('$17.34');
    expect(rows.get('Change given')).toBe('$7.66');
    expect(rows.get('Paid out')).toBe('-$15.00');
    expect(rows.get('Expected')).toBe('$105.34');
    expect(rows.get('Counted')).toBe('$98.34');
    expect(rows.get('Variance')).toBe('-$7.00');
    expect(rows.get('Approved by')).toBe('Mia Manager');
    const text = lines.join(' ');
    expect(text).toMatch(/Paid out: \$15\.00 postage stamps \(Carl Clerk\)/);
    expect(text).toMatch(/No sale: change for a customer \(Mia Manager\)/);
    expect(lines).toContain('$20.00 bill | 2 | $40.00');

    // Closing twice: refused, nothing printed.
    const again = await k.call('clerk', 'deskCloseDrawer', { drawerId: drawer.id, counts: short, checks: 2500 });
    expect(reasonOf(again)).toBe('drawer_already_closed');
    expect(printer.jobs).toHaveLength(jobs + 1);
    expect((await k.ok('clerk', 'deskDrawer', {})).drawer).toBeNull();
    expect(reasonOf(await k.call('clerk', 'deskDrawerPaidIn', { amount: 100, reason: 'after close' }))).toBe('drawer_not_open');
  });

  it('the close report as PDF; every drawer action is in the audit log', async () => {
    const pdf = await k.ok('mgr', 'deskDrawerReportPdf', { drawerId: drawer.id });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(await auditActions()).toEqual(
      [
        'drawer.opened',
        'drawer.sale',
        'drawer.sale',
        'drawer.paid_out',
        'drawer.paid_in',
        'drawer.no_sale',
        'drawer.approval_failed',
        'drawer.approval_failed',
        'drawer.closed',
        'drawer.report_printed',
        'drawer.report_pdf',
      ].reverse(),
    );
  });
});
