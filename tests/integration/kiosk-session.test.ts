import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
beforeAll(async () => {
  k = await startTestKiosk();
});
afterAll(async () => k.stop());

describe('training mode start-up', () => {
  it('seeds demo customers, invoices and sign-ins, and never shows a secret key', async () => {
    const info = await k.ok('a', 'appInfo', {});
    expect(info.trainingMode).toBe(true);
    expect(info.demoSignIns.length).toBeGreaterThanOrEqual(1);
    expect(info.demoGuestInvoices.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(info)).not.toMatch(/sk_(test|live)_/);
    const customers = await k.stripe.customers.list({ limit: 10 });
    expect(customers.data.length).toBeGreaterThanOrEqual(3);
    expect(customers.data.every((c) => c.address?.postal_code)).toBe(true);
  });

  it('shows the demo customer every kind of invoice status', async () => {
    await k.signIn('s1');
    const { invoices, asOf } = await k.ok('s1', 'listInvoices', {});
    expect(new Set(invoices.map((i) => i.status))).toEqual(new Set(['open', 'overdue', 'partially_paid', 'paid']));
    const partial = invoices.find((i) => i.status === 'partially_paid')!;
    expect(partial.amountPaid).toBeGreaterThan(0);
    expect(partial.amountRemaining).toBe(partial.amountDue - partial.amountPaid);
    expect(asOf).toBeGreaterThan(1_700_000_000);
    const detail = await k.ok('s1', 'getInvoice', { invoiceId: invoices[0]!.id });
    expect(detail.lines.length).toBeGreaterThan(0);
  });

  it('does not re-seed on restart (training mode survives a restart)', async () => {
    const before = (await k.stripe.customers.list({ limit: 100 })).data.length;
    await k.restart();
    expect((await k.stripe.customers.list({ limit: 100 })).data.length).toBe(before);
    await k.signIn('s1');
  });
});

describe('a customer sees only their own', () => {
  it('answers another customer’s invoice id as not found, through every entry that takes one', async () => {
    await k.signIn('m', 0);
    await k.signIn('j', 1);
    const theirs = (await k.ok('j', 'listInvoices', {})).invoices.find((i) => i.status === 'open')!;
    expect(await k.call('m', 'getInvoice', { invoiceId: theirs.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await k.call('m', 'startPayment', { invoiceId: theirs.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const theirMethods = await k.ok('j', 'listMethods', {});
    const pm = theirMethods.methods[0]!.id;
    expect(await k.call('m', 'removeMethod', { paymentMethodId: pm })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await k.call('m', 'setDefaultMethod', { paymentMethodId: pm })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const mine = (await k.ok('m', 'listInvoices', {})).invoices.find((i) => i.status === 'open')!;
    const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: mine.id });
    expect(
      await k.call('m', 'paySaved', { attemptId, paymentMethodId: pm, amount: 100, nameOnAccount: 'Maria Garcia', postalCode: '78704' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // James cannot pay on Maria's attempt either.
    const jamesPm = pm;
    expect(
      await k.call('j', 'paySaved', { attemptId, paymentMethodId: jamesPm, amount: 100, nameOnAccount: 'James', postalCode: '78741' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await k.stripe.paymentIntents.list({ limit: 100 })).data.filter((p) => p.metadata?.['payment_id'] === attemptId)).toEqual([]);
  });
});

describe('portal sign-in', () => {
  it('refuses a wrong password with a clear message, and locks after five in a row for 15 minutes, across a restart', async () => {
    const email = k.kiosk.appInfo().demoSignIns[1]!.email;
    for (let i = 0; i < 4; i++) {
      expect(await k.call('w', 'signIn', { email, password: 'wrong-password' })).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated', reason: 'wrong_credentials' },
      });
    }
    const fifth = await k.call('w', 'signIn', { email, password: 'wrong-password' });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'locked' } });
    if (!fifth.ok) expect(fifth.error.message).toMatch(/15 minutes/);
    await k.restart();
    const right = k.kiosk.appInfo().demoSignIns[1]!;
    expect(await k.call('w', 'signIn', { email, password: right.password })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('treats an unknown email exactly like a wrong password', async () => {
    expect(await k.call('u', 'signIn', { email: 'nobody@example.com', password: 'whatever1' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated', reason: 'wrong_credentials' },
    });
  });

  it('signs out and then refuses customer calls', async () => {
    await k.signIn('o');
    expect((await k.ok('o', 'signOut', {})).role).toBe('public');
    expect(await k.call('o', 'listInvoices', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});

describe('guest pay', () => {
  it('opens exactly one invoice with its number and billing zip, and nothing else', async () => {
    const demo = k.kiosk.appInfo().demoGuestInvoices[0]!;
    const session = await k.ok('g', 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber.toLowerCase(), postalCode: demo.postalCode });
    expect(session.role).toBe('guest');
    expect(session.customer).toBeNull();
    const invoice = await k.ok('g', 'getInvoice', { invoiceId: session.guestInvoiceId! });
    expect(invoice.number).toBe(demo.invoiceNumber);
    expect(await k.call('g', 'listInvoices', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await k.call('g', 'listPayments', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await k.ok('g', 'listMethods', {})).methods).toEqual([]);
  });

  it('opens the invoice from its printed link, and refuses a link with a wrong token', async () => {
    const demo = k.kiosk.appInfo().demoGuestInvoices[0]!;
    expect((await k.ok('l', 'guestOpenLink', { link: demo.link })).role).toBe('guest');
    const forged = demo.link.replace(/t=.{4}/, 't=AAAA');
    expect(await k.call('l2', 'guestOpenLink', { link: forged })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await k.call('l2', 'guestOpenLink', { link: 'hello' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'link' },
    });
  });

  it('locks an invoice for 15 minutes after five wrong zip codes in a row', async () => {
    const demo = k.kiosk.appInfo().demoGuestInvoices[1]!;
    for (let i = 0; i < 4; i++) {
      expect(await k.call('z', 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber, postalCode: '00000' })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }
    expect(await k.call('z', 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber, postalCode: '00000' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await k.call('z', 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber, postalCode: demo.postalCode })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await k.call('z', 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber, postalCode: '1234' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'postalCode' },
    });
  });

  it('cannot save a method for autopay or use saved methods', async () => {
    const demo = k.kiosk.appInfo().demoGuestInvoices[2]!;
    const s = await k.ok('gg', 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber, postalCode: demo.postalCode });
    const { attemptId } = await k.ok('gg', 'startPayment', { invoiceId: s.guestInvoiceId! });
    const base = { attemptId, amount: 500, nameOnAccount: 'Aiko Tanaka', postalCode: demo.postalCode };
    expect(
      await k.call('gg', 'payNewCard', {
        ...base,
        saveForAutopay: true,
        card: { number: '4242424242424242', expMonth: 12, expYear: 2034, cvc: '123' },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden', field: 'saveForAutopay' },
    });
    expect(await k.call('gg', 'paySaved', { ...base, paymentMethodId: 'pm_card_visa' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const paid = await k.ok('gg', 'payNewCard', {
      ...base,
      saveForAutopay: false,
      card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2034, cvc: '123' },
    });
    expect(paid).toMatchObject({ status: 'succeeded', amount: 500, savedForAutopay: false, method: { brand: 'visa', last4: '4242' } });
  });
});
