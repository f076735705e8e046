/**
 * Never two charges for one invoice: races run many times, each on a fresh invoice, through the real
 * dispatcher, the real SDK and the Stripe stand-in, with two stations that share it (each its own
 * SQLite file, like two machines). After every run, what Stripe holds is checked: the invoice is paid at
 * most once, and every cent taken is on the invoice or on the customer's account (none credited nowhere).
 * RACE_RUNS=<n> runs each race n times (default 12).
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { until } from '../helpers/until';

const RUNS = Number(process.env['RACE_RUNS'] ?? 12);
const TOTAL = 5000;

let a: TestKiosk;
let b: TestKiosk;
let customer: string;
let card: string;

beforeAll(async () => {
  a = await startTestKiosk();
  b = await startTestKiosk({ stripe: a.kiosk.sandboxUrl! });
  await a.ok('a-mgr', 'deskCreateFirstManager', { name: 'Ana Manager', pin: '2468' });
  await b.ok('b-mgr', 'deskCreateFirstManager', { name: 'Ben Manager', pin: '1357' });
  const c = await a.stripe.customers.create({ name: 'Race Customer', email: 'race@example.com', address: { postal_code: '78704' } });
  customer = c.id;
  card = (await a.stripe.paymentMethods.attach('pm_card_visa', { customer })).id;
  await a.stripe.customers.update(customer, { invoice_settings: { default_payment_method: card } });
}, 60_000);
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

async function newInvoice(amount = TOTAL): Promise<string> {
  const draft = await a.stripe.invoices.create({
    customer,
    collection_method: 'send_invoice',
    days_until_due: 30,
    pending_invoice_items_behavior: 'exclude',
  });
  await a.stripe.invoiceItems.create({ customer, invoice: draft.id, amount, currency: 'usd', description: 'Race' });
  return (await a.stripe.invoices.finalizeInvoice(draft.id)).id;
}

const signIn = (k: TestKiosk, caller: string) => k.kiosk.sessions.signInCustomer(caller, customer);

async function paySaved(k: TestKiosk, caller: string, invoiceId: string, amount: number) {
  const start = await k.call(caller, 'startPayment', { invoiceId });
  if (!start.ok) return start;
  return k.call(caller, 'paySaved', {
    attemptId: start.value.attemptId,
    amount,
    nameOnAccount: 'Race Customer',
    postalCode: '78704',
    paymentMethodId: card,
  });
}

const succeeded = (r: Awaited<ReturnType<typeof paySaved>>) => r.ok && r.value.status === 'succeeded';

/**
 * What Stripe holds for the invoice: the money its PaymentIntents took, the cash recorded for it, what
 * it shows as paid, and what was credited to the customer's account instead.
 */
async function ledgerAtStripe(invoiceId: string) {
  const stripe: Stripe = a.stripe;
  const intents = (await stripe.paymentIntents.list({ customer, limit: 100 })).data.filter((p) => p.metadata['invoice_id'] === invoiceId);
  const charges = (await Promise.all(intents.map(async (p) => (await stripe.charges.list({ payment_intent: p.id })).data))).flat();
  const taken = charges
    .filter((c) => c.status === 'succeeded' && c.captured)
    .reduce((s, c) => s + c.amount_captured - c.amount_refunded, 0);
  const held = intents.filter((p) => p.status === 'requires_capture' || p.status === 'processing');
  const records = (await stripe.paymentRecords.list({ limit: 100 })).data.filter((r) => r.metadata['invoice_id'] === invoiceId);
  const cash = records.reduce((s, r) => s + r.amount_guaranteed.value, 0);
  const credits = (await stripe.customers.listBalanceTransactions(customer, { limit: 100 })).data
    .filter((t) => records.some((r) => r.id === t.metadata?.['payment_record']))
    .reduce((s, t) => s - t.amount, 0);
  const invoice = await stripe.invoices.retrieve(invoiceId);
  return { taken, cash, credits, held: held.length, paid: invoice.amount_paid, total: invoice.total };
}

async function expectSettledOnce(invoiceId: string) {
  // Background work (a released intent, a queued cash item, a part given back) may still be finishing.
  let s = await ledgerAtStripe(invoiceId);
  await until(async () => {
    s = await ledgerAtStripe(invoiceId);
    return s.held === 0 && s.taken + s.cash === s.paid + s.credits;
  }, 8_000).catch(() => undefined);
  expect(s.paid).toBeLessThanOrEqual(s.total); // never paid twice
  expect(s.taken + s.cash).toBe(s.paid + s.credits); // every cent is on the invoice or on the customer's account
  return s;
}

describe('never two charges for one invoice', () => {
  it(`two sessions on one station pay the whole balance at once (${RUNS} runs): one is charged`, async () => {
    const tally = { one: 0, conflict: 0, released: 0 };
    for (let run = 0; run < RUNS; run++) {
      const inv = await newInvoice();
      signIn(a, 's1');
      signIn(a, 's2');
      const [x, y] = await Promise.all([paySaved(a, 's1', inv, TOTAL), paySaved(a, 's2', inv, TOTAL)]);
      expect([x, y].filter(succeeded)).toHaveLength(1);
      for (const r of [x, y]) {
        if (succeeded(r)) continue;
        if (!r.ok) {
          expect(['invoice_in_progress', 'invoice_already_paid']).toContain(r.error.reason);
          tally.conflict++;
        } else {
          expect(r.value.status).toBe('failed');
          expect(['amount_changed', 'paid_elsewhere']).toContain((r.value as { reason: string }).reason);
          tally.released++;
        }
      }
      const s = await expectSettledOnce(inv);
      expect(s).toMatchObject({ paid: TOTAL, taken: TOTAL, cash: 0 });
      tally.one++;
    }
    expect(tally.one).toBe(RUNS);
  }, 120_000);

  it(`two stations pay the whole balance at once (${RUNS} runs): one is charged, the other released`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const inv = await newInvoice();
      signIn(a, 'sa');
      signIn(b, 'sb');
      const [x, y] = await Promise.all([paySaved(a, 'sa', inv, TOTAL), paySaved(b, 'sb', inv, TOTAL)]);
      expect([x, y].filter(succeeded)).toHaveLength(1);
      const s = await expectSettledOnce(inv);
      expect(s).toMatchObject({ paid: TOTAL, taken: TOTAL });
    }
  }, 120_000);

  it(`two stations pay parts that together are more than the invoice owes (${RUNS} runs): only one goes through`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const inv = await newInvoice();
      signIn(a, 'pa');
      signIn(b, 'pb');
      const [x, y] = await Promise.all([paySaved(a, 'pa', inv, 3000), paySaved(b, 'pb', inv, 3000)]);
      expect([x, y].filter(succeeded)).toHaveLength(1);
      const s = await expectSettledOnce(inv);
      expect(s).toMatchObject({ paid: 3000, taken: 3000 });
    }
  }, 120_000);

  it(`a kiosk card payment and desk cash on one station, for the whole balance at once (${RUNS} runs): one is taken`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const inv = await newInvoice();
      signIn(a, 'kc');
      const [x, y] = await Promise.all([
        paySaved(a, 'kc', inv, TOTAL),
        a.call('a-mgr', 'deskRecordCash', { invoiceId: inv, amount: TOTAL }),
      ]);
      const cashSent = y.ok && y.value.status === 'sent';
      expect(Number(succeeded(x)) + Number(cashSent)).toBe(1);
      if (!y.ok) expect(['invoice_in_progress', 'invoice_already_paid', 'amount_over_remaining']).toContain(y.error.reason);
      const s = await expectSettledOnce(inv);
      expect(s.paid).toBe(TOTAL);
    }
  }, 120_000);

  it(`a card at one station and cash at another, for the whole balance at once (${RUNS} runs): paid once, nothing lost`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const inv = await newInvoice();
      signIn(a, 'xc');
      const [x, y] = await Promise.all([
        paySaved(a, 'xc', inv, TOTAL),
        b.call('b-mgr', 'deskRecordCash', { invoiceId: inv, amount: TOTAL }),
      ]);
      expect(x.ok || y.ok).toBe(true);
      const s = await expectSettledOnce(inv);
      expect(s.paid).toBe(TOTAL);
    }
  }, 120_000);
});
