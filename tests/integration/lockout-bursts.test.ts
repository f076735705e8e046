/**
 * Lockouts under bursts: 300 parallel tries at a staff PIN, a portal password and a guest zip code
 * get no more checks than the policy (10, 5, 5), the right secret sent last in the burst does not
 * get in, every spelling of a subject is one subject, and an unknown, disabled or locked subject
 * answers a wrong secret the same way.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryName, RequestOf } from '../../electron/shared/contract';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
beforeAll(async () => {
  k = await startTestKiosk();
  await k.ok('m', 'deskCreateFirstManager', { name: 'Ana Manager', pin: '2468' });
});
afterAll(async () => k.stop());

const BURST = 300;

/**
 * Fires `BURST` calls at once, the right secret as the try just past the policy (`rightAt`), and
 * counts the answers by code and the secrets actually hashed (scrypt calls) while it ran.
 */
async function burst<K extends EntryName>(
  name: K,
  wrong: RequestOf<K>,
  right: RequestOf<K>,
  rightAt: number,
): Promise<{ answers: Record<string, number>; hashed: number }> {
  const real = crypto.scrypt;
  let hashed = 0;
  crypto.scrypt = ((...args: Parameters<typeof real>) => {
    hashed++;
    return real(...args);
  }) as typeof real;
  syncBuiltinESMExports();
  try {
    const results = await Promise.all(Array.from({ length: BURST }, (_, i) => k.call(`b${i}`, name, i === rightAt ? right : wrong)));
    const answers: Record<string, number> = {};
    for (const a of results) {
      const key = a.ok ? 'ok' : a.error.code;
      answers[key] = (answers[key] ?? 0) + 1;
    }
    return { answers, hashed };
  } finally {
    crypto.scrypt = real;
    syncBuiltinESMExports();
  }
}

describe('staff PIN', () => {
  it('a burst of 300 wrong PINs gets 10 checks, and the right PIN as the eleventh does not sign in', { timeout: 120_000 }, async () => {
    const lena = await k.ok('m', 'deskAddStaff', { name: 'Lena Burst', pin: '4321', role: 'clerk' });
    const { answers, hashed } = await burst('deskSignIn', { staffId: lena.id, pin: '0000' }, { staffId: lena.id, pin: '4321' }, 10);
    // Ten tries are checked (plus, once per process, a stand-in hash made and checked to learn how
    // long a check takes); the tenth locks, and every try after it is refused unchecked, the right PIN too.
    expect(answers).toEqual({ locked: BURST });
    expect(hashed).toBeLessThanOrEqual(10 + 2);
    expect(await k.call('x', 'deskSignIn', { staffId: lena.id, pin: '4321' })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('counts every spelling of a name as that staff member', { timeout: 60_000 }, async () => {
    await k.ok('m', 'deskAddStaff', { name: 'Sam Spelling', pin: '7777', role: 'clerk' });
    const spellings = ['Sam Spelling', 'sam spelling', ' SAM  SPELLING ', 'Sam\tSpelling', 'sAm sPeLLing'];
    for (let i = 0; i < 9; i++) {
      expect(await k.call('s', 'deskSignIn', { name: spellings[i % spellings.length]!, pin: '0000' })).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
    }
    expect(await k.call('s', 'deskSignIn', { name: 'SAM SPELLING', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await k.call('s', 'deskSignIn', { name: 'Sam Spelling', pin: '7777' })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('answers a wrong PIN the same for an unknown, a disabled and an active staff member; a locked unknown name looks locked too', async () => {
    const dan = await k.ok('m', 'deskAddStaff', { name: 'Dan Disabled', pin: '5555', role: 'clerk' });
    await k.ok('m', 'deskAddStaff', { name: 'Eve Active', pin: '6666', role: 'clerk' });
    await k.ok('m', 'deskSetStaffActive', { staffId: dan.id, active: false });
    const strip = (r: Awaited<ReturnType<TestKiosk['call']>>) => (r.ok ? r : { ok: false, error: { ...r.error } });
    const disabled = strip(await k.call('d', 'deskSignIn', { name: 'Dan Disabled', pin: '0000' }));
    const active = strip(await k.call('d', 'deskSignIn', { name: 'Eve Active', pin: '0000' }));
    const unknown = strip(await k.call('d', 'deskSignIn', { name: 'Nobody Here', pin: '0000' }));
    expect(disabled).toEqual(active);
    expect(unknown).toEqual(active);
    expect(active).toMatchObject({ ok: false, error: { code: 'unauthenticated', reason: 'staff_wrong_pin' } });
    // Only the right PIN hears that its owner is disabled.
    expect(await k.call('d', 'deskSignIn', { name: 'Dan Disabled', pin: '5555' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    for (let i = 0; i < 9; i++) await k.call('d', 'deskSignIn', { name: 'Nobody Here', pin: '0000' });
    expect(await k.call('d', 'deskSignIn', { name: 'Nobody Here', pin: '0000' })).toMatchObject({
      ok: false,
      error: { code: 'locked', reason: 'staff_locked' },
    });
  });
});

describe('portal password', () => {
  it('a burst of 300 wrong passwords gets 5 checks, and the right one as the sixth does not sign in', { timeout: 120_000 }, async () => {
    const demo = k.kiosk.appInfo().demoSignIns[0]!;
    const { answers, hashed } = await burst(
      'signIn',
      { email: demo.email, password: 'wrong-password' },
      { email: demo.email, password: demo.password },
      5,
    );
    expect(answers).toEqual({ locked: BURST });
    expect(hashed).toBeLessThanOrEqual(5 + 2);
  });

  it('an unknown email locks the same way, and every spelling of an email is one account', { timeout: 60_000 }, async () => {
    const demo = k.kiosk.appInfo().demoSignIns[1]!;
    for (const email of ['nobody@example.com', 'NOBODY@example.com', 'Nobody@Example.com', 'nobody@EXAMPLE.COM']) {
      expect(await k.call('u', 'signIn', { email, password: 'wrong-password' })).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
    }
    expect(await k.call('u', 'signIn', { email: 'nobody@example.com', password: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    const upper = demo.email.toUpperCase();
    for (let i = 0; i < 4; i++) await k.call('u', 'signIn', { email: i % 2 ? upper : demo.email, password: 'wrong-password' });
    expect(await k.call('u', 'signIn', { email: upper, password: 'wrong-password' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await k.call('u', 'signIn', { email: demo.email, password: demo.password })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
  });
});

describe('guest invoice number and zip', () => {
  it(
    'a burst of 300 wrong zip codes gets 5 checks, and the right zip as the sixth does not open the invoice',
    { timeout: 120_000 },
    async () => {
      const demo = k.kiosk.appInfo().demoGuestInvoices[0]!;
      const { answers } = await burst(
        'guestFindInvoice',
        { invoiceNumber: demo.invoiceNumber, postalCode: '00000' },
        { invoiceNumber: demo.invoiceNumber, postalCode: demo.postalCode },
        5,
      );
      expect(answers).toEqual({ not_found: 4, locked: BURST - 4 });
    },
  );

  it('once locked, no other spelling of the number gets fresh tries', async () => {
    const demo = k.kiosk.appInfo().demoGuestInvoices[1]!;
    const n = demo.invoiceNumber;
    for (let i = 0; i < 5; i++) await k.call('g', 'guestFindInvoice', { invoiceNumber: n, postalCode: '00000' });
    const mid = Math.floor(n.length / 2);
    for (const spelling of [
      `${n}'`,
      `'${n}`,
      `${n.slice(0, mid)}'${n.slice(mid)}`,
      n.toLowerCase(),
      ` ${n} `,
      `${n.slice(0, mid)} ${n.slice(mid)}`,
    ]) {
      expect(await k.call('g', 'guestFindInvoice', { invoiceNumber: spelling, postalCode: demo.postalCode }), spelling).toMatchObject({
        ok: false,
        error: { code: 'locked' },
      });
    }
  });
});
