import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Invoice } from '../../electron/shared/contract';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

/** Several invoices in one payment: one PaymentIntent per invoice, grouped under one payment id. */
let k: TestKiosk;
beforeEach(async () => {
  k = await startTestKiosk();
  await k.signIn('m', 0);
});
afterEach(async () => k.stop());

const card = (number: string) => ({ number, expMonth: 12, expYear: 2034, cvc: '123' });
const base = (attemptId: string, amount: number) => ({ attemptId, amount, nameOnAccount: 'Maria Garcia', postalCode: '78704' });
const payable = async (caller = 'm') =>
  (await k.ok(caller, 'listInvoices', {})).invoices.filter((i) => ['open', 'overdue', 'partially_paid'].includes(i.status));
const byId = async (id: string, caller = 'm') => (await k.ok(caller, 'listInvoices', {})).invoices.find((i) => i.id === id)!;
const intentsFor = async (paymentId: string) =>
  (await k.stripe.paymentIntents.list({ limit: 100 })).data.filter((p) => p.metadata?.['payment_id'] === paymentId);
const visaOf = async () => (await k.ok('m', 'listMethods', {})).methods.find((m) => m.type === 'card' && m.isDefault)!;
const oldestFirst = (list: Invoice[]) => [...list].sort((a, b) => (a.dueAt ?? a.issuedAt) - (b.dueAt ?? b.issuedAt));

describe('several invoices in one payment', () => {
  it('opens them oldest due first with their total, and pays the whole balance with one saved card: one intent per invoice', async () => {
    const open = await payable();
    expect(open.length).toBeGreaterThanOrEqual(2);
    const start = await k.ok('m', 'startPayment', { invoiceIds: open.map((i) => i.id).reverse() });
    expect(start.invoices.map((i) => i.id)).toEqual(oldestFirst(open).map((i) => i.id));
    const total = open.reduce((s, i) => s + i.amountRemaining, 0);
    expect(start.total).toBe(total);
    expect(start.minimumCharge).toBe(50);

    const outcome = await k.ok('m', 'paySaved', { ...base(start.attemptId, total), paymentMethodId: (await visaOf()).id });
    expect(outcome).toMatchObject({ status: 'succeeded', amount: total });
    expect(outcome.parts.map((p) => [p.invoiceId, p.amount, p.status])).toEqual(
      start.invoices.map((i) => [i.id, i.amountRemaining, 'succeeded']),
    );
    for (const inv of open) expect((await byId(inv.id)).status).toBe('paid');
    const pis = await intentsFor(start.attemptId);
    expect(pis).toHaveLength(open.length);
    expect(new Set(pis.map((p) => p.metadata['invoice_id']))).toEqual(new Set(open.map((i) => i.id)));
    expect(pis.every((p) => p.status === 'succeeded' && p.payment_method === pis[0]!.payment_method)).toBe(true);
    // Paying again on the same page charges nothing more.
    const again = await k.ok('m', 'paySaved', { ...base(start.attemptId, total), paymentMethodId: (await visaOf()).id });
    expect(again.status).toBe('succeeded');
    expect(await intentsFor(start.attemptId)).toHaveLength(open.length);
  });

  it('spreads a smaller amount oldest due first, each invoice capped at what it owes', async () => {
    const list = oldestFirst(await payable()).slice(0, 2);
    const [first, second] = list as [Invoice, Invoice];
    const start = await k.ok('m', 'startPayment', { invoiceIds: [second.id, first.id] });
    const amount = first.amountRemaining + 100;
    const outcome = await k.ok('m', 'payNewCard', {
      ...base(start.attemptId, amount),
      saveForAutopay: false,
      card: card('4242424242424242'),
    });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.parts.map((p) => [p.invoiceId, p.amount])).toEqual([
      [first.id, first.amountRemaining],
      [second.id, 100],
    ]);
    expect((await byId(first.id)).status).toBe('paid');
    expect((await byId(second.id)).amountRemaining).toBe(second.amountRemaining - 100);
  });

  it('refuses an amount over the chosen total or under the minimum at the amount field, and charges nothing', async () => {
    const list = await payable();
    const start = await k.ok('m', 'startPayment', { invoiceIds: list.map((i) => i.id) });
    const visa = await visaOf();
    const over = await k.call('m', 'paySaved', { ...base(start.attemptId, start.total + 1), paymentMethodId: visa.id });
    expect(over).toMatchObject({ ok: false, error: { reason: 'amount_over_total', field: 'amount', params: { total: start.total } } });
    const under = await k.call('m', 'paySaved', { ...base(start.attemptId, 49), paymentMethodId: visa.id });
    expect(under).toMatchObject({ ok: false, error: { reason: 'amount_under_minimum', field: 'amount', params: { minimum: 50 } } });
    expect(await intentsFor(start.attemptId)).toEqual([]);
  });

  it("refuses another customer's invoice in the set, and writes nothing", async () => {
    await k.signIn('j', 1);
    const theirs = (await payable('j'))[0]!;
    const mine = (await payable())[0]!;
    const r = await k.call('m', 'startPayment', { invoiceIds: [mine.id, theirs.id] });
    expect(r.ok).toBe(false);
    expect((await byId(mine.id)).amountRemaining).toBe(mine.amountRemaining);
  });

  it('a declined card charges none of them; Try again with another card pays them all once', async () => {
    const list = (await payable()).slice(0, 2);
    const total = list.reduce((s, i) => s + i.amountRemaining, 0);
    const start = await k.ok('m', 'startPayment', { invoiceIds: list.map((i) => i.id) });
    const declined = await k.ok('m', 'payNewCard', {
      ...base(start.attemptId, total),
      saveForAutopay: false,
      card: card('4000000000000002'),
    });
    expect(declined.status).toBe('failed');
    for (const inv of list) expect((await byId(inv.id)).amountRemaining).toBe(inv.amountRemaining);
    const paid = await k.ok('m', 'payNewCard', { ...base(start.attemptId, total), saveForAutopay: false, card: card('4242424242424242') });
    expect(paid).toMatchObject({ status: 'succeeded', amount: total });
    for (const inv of list) expect((await byId(inv.id)).status).toBe('paid');
    const succeeded = (await intentsFor(start.attemptId)).filter((p) => p.status === 'succeeded');
    expect(succeeded).toHaveLength(2);
  });

  it('an invoice paid elsewhere meanwhile: the other is paid, that one is not charged, and the outcome says which', async () => {
    const [first, second] = oldestFirst(await payable()).slice(0, 2) as [Invoice, Invoice];
    const both = await k.ok('m', 'startPayment', { invoiceIds: [first.id, second.id] });
    // Another session pays the second invoice in full first.
    await k.signIn('other', 0);
    const alone = await k.ok('other', 'startPayment', { invoiceId: second.id });
    const visa = await visaOf();
    expect((await k.ok('other', 'paySaved', { ...base(alone.attemptId, second.amountRemaining), paymentMethodId: visa.id })).status).toBe(
      'succeeded',
    );
    const outcome = await k.ok('m', 'paySaved', { ...base(both.attemptId, both.total), paymentMethodId: visa.id });
    expect(outcome.status).toBe('partially_succeeded');
    if (outcome.status !== 'partially_succeeded') return;
    expect(outcome.amount).toBe(first.amountRemaining);
    expect(outcome.parts.find((p) => p.invoiceId === first.id)).toMatchObject({ status: 'succeeded' });
    expect(outcome.parts.find((p) => p.invoiceId === second.id)).toMatchObject({ status: 'failed', reason: 'paid_elsewhere' });
    // Money moved once per invoice: the second invoice has exactly one succeeded intent (the other session's).
    const all = (await k.stripe.paymentIntents.list({ limit: 100 })).data;
    const forSecond = all.filter((p) => p.metadata['invoice_id'] === second.id && p.status === 'succeeded');
    expect(forSecond.map((p) => p.metadata['payment_id'])).toEqual([alone.attemptId]);
    expect((await byId(second.id)).amountPaid).toBe(second.amountPaid + second.amountRemaining);
  });
});

describe('several invoices by bank account (ACH)', () => {
  it('a new bank account pays two invoices: one debit per invoice, verified with one code', async () => {
    const list = (await payable()).slice(0, 2);
    const total = list.reduce((s, i) => s + i.amountRemaining, 0);
    const start = await k.ok('m', 'startPayment', { invoiceIds: list.map((i) => i.id) });
    const bankAccount = {
      routingNumber: '110000000',
      accountNumber: '000123456789',
      accountHolderType: 'individual',
      accountType: 'checking',
    } as const;
    const outcome = await k.ok('m', 'payNewBankAccount', {
      ...base(start.attemptId, total),
      saveForAutopay: false,
      bankAccount,
      mandateAccepted: true,
    });
    expect(outcome.parts).toHaveLength(2);
    // A hand-entered account is verified with micro-deposits: one code for the whole payment.
    expect(outcome.status).toBe('requires_verification');
    const pis = await intentsFor(start.attemptId);
    expect(pis).toHaveLength(2);
    const pending = (await k.ok('m', 'pendingVerifications', {})).pending.filter((p) => p.attemptId === start.attemptId);
    expect(pending.length).toBeGreaterThanOrEqual(1);
    const verified = await k.ok('m', 'verifyMicrodeposits', { attemptId: start.attemptId, code: 'SM11AA' });
    expect(verified.status).toBe('processing');
    const after = await intentsFor(start.attemptId);
    expect(after.every((p) => ['processing', 'succeeded'].includes(p.status))).toBe(true);
  });
});
