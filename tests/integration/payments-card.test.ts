import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice } from '../../electron/shared/contract';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
beforeAll(async () => {
  k = await startTestKiosk();
  await k.signIn('m', 0);
});
afterAll(async () => k.stop());

const card = (number: string) => ({ number, expMonth: 12, expYear: 2034, cvc: '123' });
const PAYABLE: Invoice['status'][] = ['open', 'overdue', 'partially_paid'];
/** The payable invoice with the most left to pay (or the first one in the given status). */
const openInvoice = async (status?: Invoice['status']) => {
  const invoices = (await k.ok('m', 'listInvoices', {})).invoices.filter((i) =>
    status ? i.status === status : PAYABLE.includes(i.status),
  );
  return invoices.sort((a, b) => b.amountRemaining - a.amountRemaining)[0]!;
};
const intentsFor = async (attemptId: string) =>
  (await k.stripe.paymentIntents.list({ limit: 100 })).data.filter((p) => p.metadata?.['payment_id'] === attemptId);
const base = (attemptId: string, amount: number) => ({ attemptId, amount, nameOnAccount: 'Maria Garcia', postalCode: '78704' });

describe('paying with a saved card', () => {
  it('pays a partial amount at once, credits the invoice, and marks it partially paid', async () => {
    const invoice = await openInvoice('overdue');
    const start = await k.ok('m', 'startPayment', { invoiceId: invoice.id });
    expect(start.invoice.amountRemaining).toBe(invoice.amountRemaining);
    expect(start.billingName).toBe('Maria Garcia');
    expect(start.billingPostalCode).toBe('78704');
    const { methods } = await k.ok('m', 'listMethods', {});
    const visa = methods.find((m) => m.type === 'card' && m.isDefault)!;
    const outcome = await k.ok('m', 'paySaved', { ...base(start.attemptId, 1000), paymentMethodId: visa.id });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      amount: 1000,
      currency: 'usd',
      method: { brand: 'visa', last4: '4242' },
      invoiceNumber: invoice.number,
    });
    const after = (await k.ok('m', 'listInvoices', {})).invoices.find((i) => i.id === invoice.id)!;
    expect(after.amountRemaining).toBe(invoice.amountRemaining - 1000);
    expect(after.status).toBe('partially_paid');
    const pis = await intentsFor(start.attemptId);
    expect(pis).toHaveLength(1);
    expect(pis[0]!.metadata).toMatchObject({ invoice_id: invoice.id, station_id: 'station-1', channel: 'kiosk' });
  });

  it('never charges twice: a second Continue, or two at once, give the same answer and one charge', async () => {
    const invoice = await openInvoice();
    const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: invoice.id });
    const visa = (await k.ok('m', 'listMethods', {})).methods.find((m) => m.type === 'card')!;
    const req = { ...base(attemptId, 700), paymentMethodId: visa.id };
    const [a, b] = await Promise.all([k.call('m', 'paySaved', req), k.call('m', 'paySaved', req)]);
    const answers = [a, b];
    const succeeded = answers.filter((r) => r.ok && r.value.status === 'succeeded');
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    for (const r of answers) if (!r.ok) expect(r.error.code).toBe('conflict');
    const again = await k.ok('m', 'paySaved', req);
    expect(again.status).toBe('succeeded');
    const pis = await intentsFor(attemptId);
    expect(pis).toHaveLength(1);
    expect(pis[0]!.status).toBe('succeeded');
    expect((await k.stripe.charges.list({ payment_intent: pis[0]!.id })).data).toHaveLength(1);
  });

  it('refuses bad amounts with a message at the amount field, and charges nothing', async () => {
    const invoice = await openInvoice();
    const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: invoice.id });
    const visa = (await k.ok('m', 'listMethods', {})).methods[0]!;
    for (const amount of [0, -100, 10.5, invoice.amountRemaining + 1, 1e12]) {
      const r = await k.call('m', 'paySaved', { ...base(attemptId, amount), paymentMethodId: visa.id });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'amount' } });
    }
    expect(await intentsFor(attemptId)).toEqual([]);
  });
});

describe('paying with a new card (training mode)', () => {
  const declines: [string, string][] = [
    ['4000000000000002', 'card_declined'],
    ['4000000000009995', 'insufficient_funds'],
    ['4000000000009987', 'card_declined'], // lost: shown as a plain decline
    ['4000000000009979', 'card_declined'], // stolen: shown as a plain decline
    ['4000000000000069', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc'],
    ['4000000000000119', 'processing_error'],
  ];

  it.each(declines)('explains %s as %s, and the same payment then succeeds with another card, once', async (number, reason) => {
    const invoice = await openInvoice();
    const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: invoice.id });
    const declined = await k.ok('m', 'payNewCard', { ...base(attemptId, 300), saveForAutopay: false, card: card(number) });
    expect(declined).toMatchObject({ status: 'failed', reason });
    if (declined.status === 'failed') expect(declined.message.length).toBeGreaterThan(5);
    const ok = await k.ok('m', 'payNewCard', { ...base(attemptId, 300), saveForAutopay: false, card: card('5555 5555 5555 4444') });
    expect(ok).toMatchObject({ status: 'succeeded', method: { brand: 'mastercard', last4: '4444' } });
    // The declined try's intent is released; the page's one charge is the second card's.
    const pis = await intentsFor(attemptId);
    const paid = pis.filter((p) => p.status === 'succeeded');
    expect(paid).toHaveLength(1);
    expect(pis.filter((p) => p.status !== 'succeeded' && p.status !== 'canceled' && p.status !== 'requires_payment_method')).toEqual([]);
    expect((await k.stripe.charges.list({ payment_intent: paid[0]!.id })).data.filter((c) => c.status === 'succeeded')).toHaveLength(1);
    const charges = await Promise.all(pis.map(async (p) => (await k.stripe.charges.list({ payment_intent: p.id })).data));
    expect(charges.flat().filter((c) => c.status === 'succeeded' && c.captured)).toHaveLength(1);
  });

  it('refuses a card number that is not a Stripe test number, without charging', async () => {
    const invoice = await openInvoice();
    const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: invoice.id });
    const r = await k.ok('m', 'payNewCard', { ...base(attemptId, 300), saveForAutopay: false, card: card('4111 1111 1111 1112') });
    expect(r).toMatchObject({ status: 'failed', reason: 'incorrect_number' });
    expect(await intentsFor(attemptId)).toEqual([]);
  });

  it('saves the card for autopay: it becomes the default and autopay is on; the customer can turn it off and remove it', async () => {
    const invoice = await openInvoice();
    const { attemptId } = await k.ok('m', 'startPayment', { invoiceId: invoice.id });
    const paid = await k.ok('m', 'payNewCard', { ...base(attemptId, 250), saveForAutopay: true, card: card('378282246310005') });
    expect(paid).toMatchObject({ status: 'succeeded', savedForAutopay: true, method: { brand: 'amex', last4: '0005' } });
    // Made the autopay default after the popup (off the payment's critical path).
    let saved = await k.ok('m', 'listMethods', {});
    await expect.poll(async () => (saved = await k.ok('m', 'listMethods', {})).autopay.enabled).toBe(true);
    const amex = saved.methods.find((m) => m.brand === 'amex')!;
    expect(amex.isDefault).toBe(true);
    expect(saved.autopay).toEqual({ enabled: true, defaultMethodId: amex.id });
    saved = await k.ok('m', 'setAutopay', { enabled: false });
    expect(saved.autopay.enabled).toBe(false);
    const visa = saved.methods.find((m) => m.brand === 'visa')!;
    saved = await k.ok('m', 'setDefaultMethod', { paymentMethodId: visa.id });
    expect(saved.methods.find((m) => m.id === visa.id)!.isDefault).toBe(true);
    saved = await k.ok('m', 'removeMethod', { paymentMethodId: amex.id });
    expect(saved.methods.map((m) => m.id)).not.toContain(amex.id);
    saved = await k.ok('m', 'setAutopay', { enabled: true });
    expect(saved.autopay).toEqual({ enabled: true, defaultMethodId: visa.id });
  });

  it('shows payments in the history, newest first, with failures', async () => {
    const { payments } = await k.ok('m', 'listPayments', {});
    expect(payments.length).toBeGreaterThan(3);
    expect(payments.some((p) => p.status === 'succeeded' && p.invoiceNumber)).toBe(true);
    const created = payments.map((p) => p.created);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });
});

describe('Update Information', () => {
  it('validates and saves the billing address to the Stripe customer', async () => {
    const bad = await k.call('m', 'updateBilling', {
      email: 'maria@example.com',
      phone: '512-555-0101',
      address: { line1: '1 Main St', line2: '', city: 'Austin', state: 'Texas', postalCode: '787', country: 'US' },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const updated = await k.ok('m', 'updateBilling', {
      email: 'maria.new@example.com',
      phone: '+1 512 555 0199',
      address: { line1: '77 Lake Austin Blvd', line2: '', city: 'Austin', state: 'TX', postalCode: '78703', country: 'US' },
    });
    expect(updated.address).toMatchObject({ line1: '77 Lake Austin Blvd', postalCode: '78703', line2: null });
    const customer = await k.stripe.customers.retrieve(updated.id);
    expect(customer).toMatchObject({ email: 'maria.new@example.com', address: { postal_code: '78703' } });
  });
});

describe('leaving the kiosk', () => {
  it('signing out closes a payment left after a decline (its intent is canceled) and leaves paid ones alone', async () => {
    await k.signIn('leave', 0);
    const invoices = (await k.ok('leave', 'listInvoices', {})).invoices.filter((i) => i.amountRemaining > 0);
    const declinedStart = await k.ok('leave', 'startPayment', { invoiceId: invoices[0]!.id });
    const declined = await k.ok('leave', 'payNewCard', {
      ...base(declinedStart.attemptId, 200),
      saveForAutopay: false,
      card: card('4000000000000002'),
    });
    expect(declined.status).toBe('failed');
    const paidStart = await k.ok('leave', 'startPayment', { invoiceId: invoices[0]!.id });
    const paid = await k.ok('leave', 'payNewCard', {
      ...base(paidStart.attemptId, 200),
      saveForAutopay: false,
      card: card('4242424242424242'),
    });
    expect(paid.status).toBe('succeeded');
    await k.ok('leave', 'signOut', {});
    await expect.poll(async () => (await intentsFor(declinedStart.attemptId))[0]?.status).toBe('canceled');
    expect((await intentsFor(paidStart.attemptId))[0]?.status).toBe('succeeded');
    // The closed page cannot be paid any more.
    await k.signIn('leave', 0);
    const again = await k.call('leave', 'payNewCard', {
      ...base(declinedStart.attemptId, 200),
      saveForAutopay: false,
      card: card('4242424242424242'),
    });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', reason: 'payment_page_closed' },
    });
  });
});
