import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';

let k: TestKiosk;
beforeAll(async () => {
  k = await startTestKiosk();
  await k.signIn('j', 1); // James: a saved bank account
});
afterAll(async () => k.stop());

const bank = (accountNumber: string) => ({
  routingNumber: '110000000',
  accountNumber,
  accountHolderType: 'individual' as const,
  accountType: 'checking' as const,
});
const payable = async () =>
  (await k.ok('j', 'listInvoices', {})).invoices
    .filter((i) => ['open', 'overdue', 'partially_paid'].includes(i.status))
    .sort((a, b) => b.amountRemaining - a.amountRemaining)[0]!;
const base = (attemptId: string, amount: number) => ({ attemptId, amount, nameOnAccount: 'James Wilson', postalCode: '78741' });

describe('ACH', () => {
  it('a saved bank account pays at once: processing, then succeeded when the debit settles', async () => {
    const invoice = await payable();
    const { attemptId } = await k.ok('j', 'startPayment', { invoiceId: invoice.id });
    const account = (await k.ok('j', 'listMethods', {})).methods.find((m) => m.type === 'us_bank_account')!;
    expect(account.bankName).toBeTruthy();
    const outcome = await k.ok('j', 'paySaved', { ...base(attemptId, 1500), paymentMethodId: account.id });
    expect(outcome).toMatchObject({ status: 'processing', method: { type: 'us_bank_account', last4: account.last4 } });
    await k.admin('/__sandbox/settle');
    if (outcome.status !== 'processing') throw new Error('unreachable');
    expect((await k.stripe.paymentIntents.retrieve(outcome.confirmation)).status).toBe('succeeded');
    const after = (await k.ok('j', 'listInvoices', {})).invoices.find((i) => i.id === invoice.id)!;
    expect(after.amountRemaining).toBe(invoice.amountRemaining - 1500);
  });

  it('a hand-entered account needs micro-deposit verification; a wrong code is explained; SM11AA verifies', async () => {
    const invoice = await payable();
    const { attemptId } = await k.ok('j', 'startPayment', { invoiceId: invoice.id });
    const outcome = await k.ok('j', 'payNewBankAccount', {
      ...base(attemptId, 800),
      saveForAutopay: false,
      bankAccount: bank('000123456789'),
      mandateAccepted: true,
    });
    expect(outcome).toMatchObject({ status: 'requires_verification', method: { type: 'us_bank_account', last4: '6789' } });
    const { pending } = await k.ok('j', 'pendingVerifications', {});
    expect(pending.map((p) => p.attemptId)).toContain(attemptId);
    expect(await k.ok('j', 'verifyMicrodeposits', { attemptId, code: 'SM99ZZ' })).toMatchObject({
      status: 'failed',
      reason: 'verification_failed',
    });
    expect(await k.call('j', 'verifyMicrodeposits', { attemptId, code: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', field: 'code' },
    });
    expect(await k.ok('j', 'verifyMicrodeposits', { attemptId, code: 'sm11aa' })).toMatchObject({ status: 'processing' });
    expect((await k.ok('j', 'pendingVerifications', {})).pending.map((p) => p.attemptId)).not.toContain(attemptId);
  });

  it('without the mandate accepted nothing is sent', async () => {
    const invoice = await payable();
    const { attemptId } = await k.ok('j', 'startPayment', { invoiceId: invoice.id });
    const r = await k.call('j', 'payNewBankAccount', {
      ...base(attemptId, 800),
      saveForAutopay: false,
      bankAccount: bank('000123456789'),
      mandateAccepted: false as true,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'mandateAccepted' } });
  });

  it.each([
    ['000111111113', 'bank_account_problem'],
    ['000222222227', 'insufficient_funds'],
  ])('a debit that fails after the fact (%s) shows as failed in the history', async (accountNumber) => {
    const invoice = await payable();
    const { attemptId } = await k.ok('j', 'startPayment', { invoiceId: invoice.id });
    const outcome = await k.ok('j', 'payNewBankAccount', {
      ...base(attemptId, 400),
      saveForAutopay: false,
      bankAccount: bank(accountNumber),
      mandateAccepted: true,
    });
    expect(outcome.status).toBe('requires_verification');
    expect(await k.ok('j', 'verifyMicrodeposits', { attemptId, code: 'SM11AA' })).toMatchObject({ status: 'processing' });
    await k.admin('/__sandbox/settle');
    if (outcome.status === 'failed') throw new Error('unreachable');
    const pi = await k.stripe.paymentIntents.retrieve(outcome.confirmation);
    expect(pi.status).toBe('requires_payment_method');
    const { payments } = await k.ok('j', 'listPayments', {});
    expect(payments.find((p) => p.id === outcome.confirmation)?.status).toBe('failed');
  });
});

describe('a guest paying from a hand-entered bank account', () => {
  it('comes back as a guest with the same invoice and finishes with the code; another invoice’s guest sees nothing', async () => {
    const [own, other] = [k.kiosk.appInfo().demoGuestInvoices[2]!, k.kiosk.appInfo().demoGuestInvoices[1]!];
    const open = async (caller: string, demo: typeof own) =>
      (await k.ok(caller, 'guestFindInvoice', { invoiceNumber: demo.invoiceNumber, postalCode: demo.postalCode })).guestInvoiceId!;
    const invoiceId = await open('g1', own);
    const { attemptId } = await k.ok('g1', 'startPayment', { invoiceId });
    const outcome = await k.ok('g1', 'payNewBankAccount', {
      attemptId,
      amount: 600,
      nameOnAccount: 'Aiko Tanaka',
      postalCode: own.postalCode,
      saveForAutopay: false,
      bankAccount: bank('000123456789'),
      mandateAccepted: true,
    });
    expect(outcome.status).toBe('requires_verification');
    await k.ok('g1', 'signOut', {});

    await open('g2', own);
    expect((await k.ok('g2', 'pendingVerifications', {})).pending.map((p) => p.attemptId)).toEqual([attemptId]);
    await open('g3', other);
    expect((await k.ok('g3', 'pendingVerifications', {})).pending).toEqual([]);
    expect(await k.call('g3', 'verifyMicrodeposits', { attemptId, code: 'SM11AA' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await k.ok('g2', 'verifyMicrodeposits', { attemptId, code: 'SM11AA' })).toMatchObject({ status: 'processing' });
  });
});
