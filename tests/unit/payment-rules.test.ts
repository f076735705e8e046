import { describe, expect, it } from 'vitest';
import {
  allocate,
  checkPayAmount,
  declineReason,
  holdsMoney,
  intentMeaning,
  isPayable,
  minimumCharge,
  payOrder,
  type PayableInvoice,
} from '../../electron/shared/payment-rules';
import { readIntentMetadata, readRecordMetadata, writeIntentMetadata } from '../../electron/shared/stripe-metadata';
import { decide, heldByOthers, InvoiceClaims, overpaidIntents } from '../../electron/main/services/payments/invoice-guard';
import type { GuardedInvoice, InvoiceHold } from '../../electron/main/stripe/gateway';

const inv = (id: string, amountRemaining: number, dueAt: number | null, issuedAt = 0): PayableInvoice => ({
  id,
  status: 'open',
  currency: 'usd',
  amountRemaining,
  dueAt,
  issuedAt,
  number: id.toUpperCase(),
});

describe('payment rules', () => {
  it('knows which invoices can be paid', () => {
    expect(isPayable({ status: 'open', amountRemaining: 1 })).toBe(true);
    expect(isPayable({ status: 'processing', amountRemaining: 1 })).toBe(true);
    expect(isPayable({ status: 'open', amountRemaining: 0 })).toBe(false);
    for (const status of ['paid', 'void', 'draft', 'uncollectible']) expect(isPayable({ status, amountRemaining: 100 })).toBe(false);
  });

  it('refuses charges under Stripe’s minimum, and explains a balance under it; cash has no minimum', () => {
    expect(minimumCharge('usd')).toBe(50);
    expect(minimumCharge('GBP')).toBe(30);
    expect(checkPayAmount(49, 5000, 'usd')).toEqual({ reason: 'amount_under_minimum', params: { minimum: 50, currency: 'usd' } });
    expect(checkPayAmount(50, 5000, 'usd')).toBeNull();
    expect(checkPayAmount(30, 30, 'usd')).toEqual({
      reason: 'remaining_under_minimum',
      params: { remaining: 30, minimum: 50, currency: 'usd' },
    });
    expect(checkPayAmount(30, 30, 'usd', 'cash')).toBeNull();
    expect(checkPayAmount(5001, 5000, 'usd')).toEqual({ reason: 'amount_over_remaining', params: { remaining: 5000, currency: 'usd' } });
    expect(checkPayAmount(0, 5000, 'usd')?.reason).toBe('amount_not_valid');
    expect(checkPayAmount(10.5, 5000, 'usd')?.reason).toBe('amount_not_valid');
    expect(checkPayAmount(100, 0, 'usd')?.reason).toBe('invoice_already_paid');
  });

  it('spreads an amount oldest due first, each invoice capped at what it owes', () => {
    const list = [inv('b', 3000, 200), inv('a', 2000, 100), inv('c', 1000, null, 150)];
    expect(payOrder(list).map((i) => i.id)).toEqual(['a', 'c', 'b']);
    expect(allocate(6000, list)).toEqual({
      ok: true,
      parts: [
        { invoiceId: 'a', amount: 2000 },
        { invoiceId: 'c', amount: 1000 },
        { invoiceId: 'b', amount: 3000 },
      ],
    });
    expect(allocate(2500, list)).toEqual({
      ok: true,
      parts: [
        { invoiceId: 'a', amount: 2000 },
        { invoiceId: 'c', amount: 500 },
      ],
    });
    expect(allocate(6001, list)).toEqual({ ok: false, refusal: { reason: 'amount_over_total', params: { total: 6000, currency: 'usd' } } });
    expect(allocate(100, [])).toMatchObject({ ok: false, refusal: { reason: 'no_invoices_chosen' } });
  });

  it('never leaves a part under the minimum charge, and says what amount would work', () => {
    const list = [inv('a', 2000, 100), inv('b', 3000, 200)];
    expect(allocate(2020, list)).toEqual({
      ok: false,
      refusal: {
        reason: 'allocation_under_minimum',
        params: { amount: 20, minimum: 50, currency: 'usd', invoiceNumber: 'B', total: 2000 },
      },
    });
    expect(allocate(2020, list, 'cash')).toMatchObject({ ok: true });
    expect(allocate(30, [inv('a', 30, 1)])).toMatchObject({ ok: false, refusal: { reason: 'remaining_under_minimum' } });
  });

  it('gives every PaymentIntent status one meaning, and refuses an unknown one', () => {
    expect(intentMeaning('requires_payment_method')).toBe('open');
    expect(intentMeaning('requires_confirmation')).toBe('open');
    expect(intentMeaning('requires_action')).toBe('needs_action');
    expect(intentMeaning('requires_capture')).toBe('authorized');
    expect(intentMeaning('processing')).toBe('processing');
    expect(intentMeaning('succeeded')).toBe('succeeded');
    expect(intentMeaning('canceled')).toBe('canceled');
    expect(() => intentMeaning('requires_source')).toThrow(/unknown PaymentIntent status/);
    expect(holdsMoney('requires_capture')).toBe(true);
    expect(holdsMoney('succeeded')).toBe(false);
  });

  it('maps declines the same way for main and Stripe.js; lost and stolen read as a plain decline', () => {
    expect(declineReason('card_declined', 'lost_card')).toBe('card_declined');
    expect(declineReason('card_declined', 'insufficient_funds')).toBe('insufficient_funds');
    expect(declineReason('expired_card', null)).toBe('expired_card');
    expect(declineReason('account_closed', null)).toBe('bank_account_problem');
    expect(declineReason('payment_method_microdeposit_verification_descriptor_code_mismatch', null)).toBe('verification_failed');
    expect(declineReason(null, null)).toBe('other');
  });
});

describe('the metadata stations share', () => {
  it('writes only what fits the schema and reads what another version wrote without throwing', () => {
    expect(writeIntentMetadata({ payment_id: 'pay_1', invoice_id: 'in_1', channel: 'kiosk', staff_id: undefined })).toEqual({
      payment_id: 'pay_1',
      invoice_id: 'in_1',
      channel: 'kiosk',
    });
    expect(() => writeIntentMetadata({ channel: 'moon' as never })).toThrow();
    expect(() => writeIntentMetadata({ unknown_key: 'x' } as never)).toThrow();
    expect(readIntentMetadata({ attempt_id: 'att_1', channel: 'moon', on_account: 'true', extra: 'ignored' })).toEqual({
      attempt_id: 'att_1',
      on_account: 'true',
    });
    expect(readRecordMetadata({ method: 'cash', taken_at: 'yesterday' })).toEqual({ method: 'cash' });
  });
});

const hold = (h: Partial<InvoiceHold> & Pick<InvoiceHold, 'id' | 'created'>): InvoiceHold => ({
  status: 'open',
  amountRequested: 1000,
  isDefault: false,
  paymentIntentId: `pi_${h.id}`,
  intentStatus: 'requires_capture',
  paymentRecordId: null,
  ...h,
});
const guarded = (amountRemaining: number, holds: InvoiceHold[], amountPaid = 0): GuardedInvoice => ({
  invoice: {
    id: 'in_1',
    number: 'N-1',
    customerId: 'cus_1',
    status: 'open',
    currency: 'usd',
    total: 5000,
    amountDue: 5000,
    amountPaid,
    amountRemaining,
    issuedAt: 0,
    dueAt: null,
  },
  holds,
  more: false,
});

describe('the invoice guard', () => {
  const now = 10_000;
  it('lets the earlier of two racing payments through and releases the later one, whichever station reads', () => {
    const first = hold({ id: 'a', created: now - 2, amountRequested: 5000 });
    const second = hold({ id: 'b', created: now - 1, amountRequested: 5000 });
    const g = guarded(5000, [first, second]);
    expect(decide(g, 'pi_a', 5000, now)).toEqual({ ok: true });
    expect(decide(g, 'pi_b', 5000, now)).toEqual({ ok: false, available: 0 });
    // Registered in the same second: the one that sees the other yields (the first saw nothing yet).
    const tie = guarded(5000, [
      hold({ id: 'x', created: now, amountRequested: 5000 }),
      hold({ id: 'y', created: now, amountRequested: 5000 }),
    ]);
    expect(decide(tie, 'pi_y', 5000, now).ok).toBe(false);
    expect(decide(guarded(5000, [hold({ id: 'x', created: now, amountRequested: 5000 })]), 'pi_x', 5000, now).ok).toBe(true);
  });

  it('counts only money that is held or moving: not declines, not the invoice’s own unused payment, not stale holds', () => {
    const g = guarded(5000, [
      hold({ id: 'declined', created: now - 5, intentStatus: 'requires_payment_method' }),
      hold({ id: 'default', created: now - 5, isDefault: true, intentStatus: 'requires_confirmation', amountRequested: 5000 }),
      hold({ id: 'stale', created: now - 3600, intentStatus: 'requires_capture' }),
      hold({ id: 'ach', created: now - 3600, intentStatus: 'processing', amountRequested: 1500 }),
      hold({ id: 'me', created: now }),
    ]);
    expect(decide(g, 'pi_me', 3500, now)).toEqual({ ok: true });
    expect(decide(g, 'pi_me', 3501, now)).toEqual({ ok: false, available: 3500 });
    expect(heldByOthers(g, now)).toBe(1500 + 1000);
    expect(decide(g, 'pi_me', 3500, now, 1)).toEqual({ ok: false, available: 3499 }); // this station's queued cash
  });

  it('refuses everything for an invoice that is no longer open', () => {
    const g = guarded(0, []);
    g.invoice.status = 'paid';
    expect(decide(g, 'pi_x', 1, now)).toEqual({ ok: false, available: 0 });
  });

  it('finds an overpayment and who gives it back: the latest card payments first', () => {
    const g = guarded(
      0,
      [
        hold({ id: 'cash', created: now - 3, status: 'paid', amountRequested: 5000, paymentIntentId: null, intentStatus: null }),
        hold({ id: 'card', created: now - 2, status: 'paid', amountRequested: 5000, intentStatus: 'succeeded' }),
      ],
      5000,
    );
    expect(overpaidIntents(g)).toEqual([{ paymentIntentId: 'pi_card', amount: 5000 }]);
    expect(overpaidIntents(guarded(0, [hold({ id: 'c', created: 1, status: 'paid', amountRequested: 5000 })], 5000))).toEqual([]);
  });

  it('claims an invoice for one payment at a time on a station, all or none', () => {
    const claims = new InvoiceClaims();
    const a = claims.claim(['in_1', 'in_2'], 'pay_a');
    expect(a.ok).toBe(true);
    expect(claims.claim(['in_3', 'in_2'], 'pay_b')).toEqual({ ok: false, invoiceId: 'in_2' });
    expect(claims.holder('in_3')).toBeNull();
    expect(claims.claim(['in_1'], 'pay_a').ok).toBe(true); // the same payment again
    if (a.ok) a.release();
    expect(claims.claim(['in_2'], 'pay_b').ok).toBe(true);
  });
});
