/** Front desk: first manager, PIN sign-in and lockout (surviving a restart), staff changes, role checks, audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, entryNames, type EntryName } from '../../electron/shared/contract';
import { deskEntries } from '../../electron/shared/contract-desk';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
beforeAll(async () => {
  k = await startTestKiosk();
});
afterAll(async () => k.stop());

/** A request each desk entry's schema accepts, so the role check is what answers. */
const SAMPLE: Record<keyof typeof deskEntries, Record<string, unknown>> = {
  deskTerminalConnectionToken: {},
  deskTerminalJsReader: {},
  deskChooseTerminalJsReader: { readerId: 'tmr_x' },
  deskCreateTerminalJsPayment: { invoiceId: null, customerId: 'cus_x', amount: 100, readerId: null },
  deskCaptureTerminalJsPayment: { attemptId: 'dp_x' },
  deskCancelTerminalJsPayment: { attemptId: 'dp_x' },
  deskSetupStatus: {},
  deskCreateFirstManager: { name: 'Someone', pin: '1234' },
  deskSignIn: { name: 'Someone', pin: '1234' },
  deskSignOut: {},
  deskAddStaff: { name: 'Someone', pin: '1234', role: 'clerk' },
  deskListStaff: {},
  deskSetStaffActive: { staffId: 'staff_x', active: false },
  deskAudit: { limit: 10 },
  deskSearch: { query: 'a' },
  deskCustomer: { customerId: 'cus_x' },
  deskReaders: {},
  deskRegisterReader: { registrationCode: 'simulated-wpe', label: 'X' },
  deskChooseReader: { readerId: 'tmr_x' },
  deskTakeCardPayment: { invoiceId: null, customerId: 'cus_x', amount: 100 },
  deskCardPayment: { paymentId: 'dp_x' },
  deskRetryCardPayment: { paymentId: 'dp_x' },
  deskCancelCardPayment: { readerId: 'tmr_x' },
  deskPresentTestCard: { readerId: 'tmr_x', card: 'visa' },
  deskRecordCash: { invoiceId: 'in_x', amount: 100 },
  deskRecordCheck: { invoiceId: 'in_x', amount: 100, checkNumber: '101' },
  deskRecordOnAccount: { method: 'cash', customerId: 'cus_x', amount: 100 },
  deskRefundable: { paymentIntentId: 'pi_x' },
  deskRefund: { requestId: '6f1c1c8e-6a55-4a43-9d2f-1c2b3a4d5e6f', paymentIntentId: 'pi_x', reason: 'requested_by_customer' },
  deskPrintReceipt: { paymentId: 'dp_x' },
  deskReprintReceipt: { paymentId: 'dp_x' },
  deskReceiptPdf: { paymentId: 'dp_x' },
  deskEmailReceipt: { paymentId: 'dp_x' },
  kioskPrintReceipt: { attemptId: 'att_x' },
  kioskEmailReceipt: { attemptId: 'att_x' },
  deskReport: { date: '2025-01-01', scope: 'station' },
  deskReportPdf: { date: '2025-01-01', scope: 'station' },
  deskReportCsv: { date: '2025-01-01', scope: 'station' },
  deskPrintReport: { date: '2025-01-01', scope: 'station' },
  helpRequest: {},
  deskHelpList: {},
  deskResolveHelp: { id: 'help_x' },
  deskQueue: {},
  deskRetryQueued: { id: 'q_x' },
  deskCancelQueued: { id: 'q_x', reason: 'not needed' },
  deskDrawer: {},
  deskOpenDrawer: { float: 10000 },
  deskDrawerCash: { invoiceId: 'in_x', amount: 100, tendered: 100 },
  deskDrawerPaidIn: { amount: 100, reason: 'change from bank' },
  deskDrawerPaidOut: { amount: 100, reason: 'stamps' },
  deskDrawerNoSale: { reason: 'change for a customer' },
  deskCloseDrawer: { drawerId: 'drw_x', counts: {}, checks: 0 },
  deskDrawerReport: { drawerId: 'drw_x' },
  deskPrintDrawerReport: { drawerId: 'drw_x' },
  deskDrawerReportPdf: { drawerId: 'drw_x' },
};
const call = (caller: string, name: EntryName, req: Record<string, unknown>) =>
  k.kiosk.dispatcher.dispatch(caller, contract[name].channel, req);
const staffOnly = (Object.keys(deskEntries) as (keyof typeof deskEntries)[]).filter((n) =>
  contract[n].roles.every((r) => r === 'clerk' || r === 'manager'),
);

describe('first start', () => {
  it('asks for a manager, creates one once, and signs them in', async () => {
    expect(await k.ok('setup', 'deskSetupStatus', {})).toEqual({ hasStaff: false });
    const weak = await k.call('setup', 'deskCreateFirstManager', { name: 'Ana Manager', pin: '12' });
    expect(weak).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'pin' } });
    const [a, b] = await Promise.all([
      k.call('setup', 'deskCreateFirstManager', { name: 'Ana Manager', pin: '2468' }),
      k.call('setup2', 'deskCreateFirstManager', { name: 'Ana Manager', pin: '2468' }),
    ]);
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect([a, b].find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await k.ok('setup', 'deskSetupStatus', {})).hasStaff).toBe(true);
    const me = await k.ok(a.ok ? 'setup' : 'setup2', 'currentSession', {});
    expect(me.role).toBe('manager');
    const again = await k.call('someone', 'deskCreateFirstManager', { name: 'Eve', pin: '9999' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await k.ok(a.ok ? 'setup' : 'setup2', 'deskListStaff', {})).staff.map((s) => s.name)).toEqual(['Ana Manager']);
  });
});

describe('PIN sign-in', () => {
  it('signs in by name and by id, refuses a wrong PIN, and signs out', async () => {
    const s = await k.ok('m', 'deskSignIn', { name: 'ana manager', pin: '2468' });
    expect(s.staff).toMatchObject({ name: 'Ana Manager', role: 'manager' });
    const clerk = await k.ok('m', 'deskAddStaff', { name: 'Carl Clerk', pin: '1111', role: 'clerk' });
    const c = await k.ok('c', 'deskSignIn', { staffId: clerk.id, pin: '1111' });
    expect(c.staff.role).toBe('clerk');
    expect((await k.ok('c', 'currentSession', {})).role).toBe('clerk');
    // A clerk is not a manager.
    expect(await k.call('c', 'deskAddStaff', { name: 'X Y', pin: '1234', role: 'clerk' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await k.call('c', 'deskAudit', { limit: 5 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const wrong = await k.call('x', 'deskSignIn', { name: 'Carl Clerk', pin: '0000' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const unknown = await k.call('x', 'deskSignIn', { name: 'Nobody Here', pin: '0000' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await k.ok('c', 'deskSignOut', {});
    expect((await k.ok('c', 'currentSession', {})).role).toBe('public');
  });

  it('locks a staff member after 10 wrong PINs, for 30 minutes, across a restart', async () => {
    const lena = await k.ok('m', 'deskAddStaff', { name: 'Lena Locked', pin: '4321', role: 'clerk' });
    for (let i = 0; i < 9; i++) {
      expect(await k.call('l', 'deskSignIn', { staffId: lena.id, pin: '0000' })).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
    }
    const tenth = await k.call('l', 'deskSignIn', { staffId: lena.id, pin: '0000' });
    expect(tenth).toMatchObject({ ok: false, error: { code: 'locked' } });
    if (!tenth.ok) expect(tenth.error.message).toMatch(/30 more minutes/);
    expect(await k.call('l', 'deskSignIn', { staffId: lena.id, pin: '4321' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    await k.restart();
    expect(await k.call('l', 'deskSignIn', { staffId: lena.id, pin: '4321' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    // Others are not affected.
    await k.ok('m', 'deskSignIn', { name: 'Ana Manager', pin: '2468' });
  });

  it('a disabled staff member cannot sign in; the last manager cannot be disabled', async () => {
    const dan = await k.ok('m', 'deskAddStaff', { name: 'Dan Disabled', pin: '5555', role: 'clerk' });
    expect((await k.ok('m', 'deskSetStaffActive', { staffId: dan.id, active: false })).active).toBe(false);
    expect(await k.call('d', 'deskSignIn', { staffId: dan.id, pin: '5555' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const ana = (await k.ok('m', 'deskListStaff', {})).staff.find((s) => s.name === 'Ana Manager')!;
    expect(await k.call('m', 'deskSetStaffActive', { staffId: ana.id, active: false })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await k.call('m', 'deskAddStaff', { name: 'dan disabled', pin: '1234', role: 'clerk' })).toMatchObject({
      ok: false,
      error: { field: 'name' },
    });
  });

  it('keeps an audit log of sign-ins, failures and staff changes', async () => {
    const { entries } = await k.ok('m', 'deskAudit', { limit: 200 });
    const actions = entries.map((e) => e.action);
    for (const a of [
      'staff.first_manager',
      'staff.sign_in',
      'staff.sign_out',
      'staff.pin_failed',
      'staff.locked',
      'staff.added',
      'staff.disabled',
    ])
      expect(actions).toContain(a);
    expect(entries[0]!.id).toBeGreaterThan(entries.at(-1)!.id);
    const older = await k.ok('m', 'deskAudit', { limit: 5, before: entries[2]!.id });
    expect(older.entries[0]!.id).toBe(entries[3]!.id);
    expect(entries.find((e) => e.action === 'staff.added')!.staffName).toBe('Ana Manager');
  });
});

describe('roles', () => {
  it('every desk entry is sample-complete', () => {
    expect(Object.keys(SAMPLE).sort()).toEqual(Object.keys(deskEntries).sort());
    for (const name of Object.keys(deskEntries) as (keyof typeof deskEntries)[]) {
      expect(contract[name].request.safeParse(SAMPLE[name]).success, name).toBe(true);
      expect(entryNames).toContain(name);
    }
  });

  it('a customer session is refused every staff entry; a public session is told to sign in', async () => {
    await k.signIn('cust');
    expect(staffOnly.length).toBeGreaterThan(25);
    for (const name of staffOnly) {
      expect(await call('cust', name, SAMPLE[name]), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await call('nobody', name, SAMPLE[name]), name).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    // Sign-in and first-manager are not for a customer's window either.
    expect(await call('cust', 'deskSignIn', SAMPLE.deskSignIn)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('cust', 'deskCreateFirstManager', SAMPLE.deskCreateFirstManager)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
