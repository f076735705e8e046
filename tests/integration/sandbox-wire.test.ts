import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { parseForm } from '../../packages/stripe-sandbox/src/wire.js';
import { sandboxClient, startTestSandbox, TEST_SECRET_KEY, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

function raw(path: string, init: RequestInit = {}, key: string | null = TEST_SECRET_KEY): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('Authorization', `Bearer ${key}`);
  if (init.body) headers.set('Content-Type', 'application/x-www-form-urlencoded');
  return fetch(`${t.url}${path}`, { ...init, headers });
}

describe('auth', () => {
  it('refuses a missing key, live keys, publishable keys and Basic auth with 401', async () => {
    const missing = await raw('/v1/customers', {}, null);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/You did not provide an API key/);
    for (const key of ['sk_live_abcdefghijklmnop', 'pk_test_abcdefghijkl', 'rk_test_abc']) {
      const r = await raw('/v1/customers', {}, key);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    }
    const basic = await fetch(`${t.url}/v1/customers`, {
      headers: { Authorization: `Basic ${Buffer.from(`${TEST_SECRET_KEY}:`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    await expect(sandboxClient(t.port, 'sk_live_0123456789abcdef').customers.list()).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
  });

  it('answers with Request-Id and echoes Stripe-Version', async () => {
    const r = await raw('/v1/customers', { headers: { 'Stripe-Version': '2026-10-28.endive' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('request-id')).toMatch(/^req_/);
    expect(r.headers.get('stripe-version')).toBe('2026-10-28.endive');
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('form encoding', () => {
  it('parses nested hashes, indexed arrays and [] arrays', () => {
    expect(parseForm('a[b][c]=1&x[0]=p&x[1]=q&y[]=1&y[]=2&z[][k]=1&z[][j]=2&z[][k]=3&s=a+b%26c')).toEqual({
      a: { b: { c: '1' } },
      x: ['p', 'q'],
      y: ['1', '2'],
      z: [{ k: '1', j: '2' }, { k: '3' }],
      s: 'a b&c',
    });
  });

  it('accepts nested params over the wire and in query strings', async () => {
    const r = await raw('/v1/customers', {
      method: 'POST',
      body: 'email=n%40x.io&metadata[a]=1&address[line1]=1+Main&preferred_locales[]=en&preferred_locales[]=es',
    });
    const c = (await r.json()) as Stripe.Customer;
    expect(r.status).toBe(200);
    expect(c.metadata).toEqual({ a: '1' });
    expect(c.address?.line1).toBe('1 Main');
    expect(c.preferred_locales).toEqual(['en', 'es']);
    const q = await raw(`/v1/customers?email=n%40x.io&expand[]=data.invoice_settings.default_payment_method&limit=1`);
    expect(((await q.json()) as Stripe.ApiList<Stripe.Customer>).data[0]?.id).toBe(c.id);
    const q0 = await raw(`/v1/customers/${c.id}?expand[0]=invoice_settings.default_payment_method`);
    expect(q0.status).toBe(200);
  });
});

describe('errors', () => {
  it('404s unknown routes and missing objects the way Stripe does', async () => {
    const r = await raw('/v1/nope');
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/nope\)/);
    const err = await stripe.customers.retrieve('cus_missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id', message: "No such customer: 'cus_missing'" });
  });

  it('400s bad params naming the param, and writes nothing', async () => {
    const before = (await stripe.events.list({ limit: 100 })).data.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: -5, currency: 'usd' }, 'amount'],
      [{ amount: 0, currency: 'usd' }, 'amount'],
      [{ amount: 'ten', currency: 'usd' }, 'amount'],
      [{ amount: 100, currency: 'xyz' }, 'currency'],
      [{ currency: 'usd' }, 'amount'],
      [{ amount: 100, currency: 'usd', description: 'x'.repeat(5001) }, 'description'],
      [{ amount: 100, currency: 'usd', customer: 'cus_nope' }, 'customer'],
      [{ amount: 100, currency: 'usd', capture_method: 'sometimes' }, 'capture_method'],
      [{ amount: 100, currency: 'usd', confirm: true, payment_method: 'pm_card_visa', bogus: 1 }, 'bogus'],
    ];
    for (const [params, param] of cases) {
      const e = await stripe.paymentIntents.create(params as never).catch((x: unknown) => x);
      expect(e, JSON.stringify(params).slice(0, 80)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((e as Stripe.errors.StripeError).param).toBe(param);
    }
    const unknown = await stripe.customers.create({ nonsense: 'x' } as never).catch((x: unknown) => x);
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'nonsense' });
    const nested = await stripe.customers.create({ address: { planet: 'mars' } } as never).catch((x: unknown) => x);
    expect(nested).toMatchObject({ code: 'parameter_unknown', param: 'address[planet]' });
    expect((await stripe.events.list({ limit: 100 })).data.length).toBe(before);
    expect((await stripe.paymentIntents.list({ limit: 100 })).data.length).toBe(0);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and params', async () => {
    const key = `k-${Date.now()}`;
    const a = await stripe.customers.create({ email: 'idem@x.io' }, { idempotencyKey: key });
    const b = await stripe.customers.create({ email: 'idem@x.io' }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(a.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await stripe.customers.list({ email: 'idem@x.io' })).data).toHaveLength(1);
  });

  it('replays a decline too (status and body)', async () => {
    const key = `d-${Date.now()}`;
    const p = { amount: 500, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true };
    const e1 = (await stripe.paymentIntents.create(p, { idempotencyKey: key }).catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    const e2 = (await stripe.paymentIntents.create(p, { idempotencyKey: key }).catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(e1.statusCode).toBe(402);
    expect(e2.statusCode).toBe(402);
    expect(e2.payment_intent?.id).toBe(e1.payment_intent?.id);
  });

  it('refuses the same key with other params or another endpoint', async () => {
    const key = `m-${Date.now()}`;
    await stripe.customers.create({ email: 'one@x.io' }, { idempotencyKey: key });
    const other = await stripe.customers.create({ email: 'two@x.io' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    const path = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(path).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    const long = await stripe.customers.create({}, { idempotencyKey: 'x'.repeat(256) }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });
});

describe('lists', () => {
  it('pages newest first in both directions and auto-paginates', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await stripe.customers.create({ email: `page${i}@x.io`, metadata: { batch: 'pg' } })).id);
    const newest = [...made].reverse();
    const all: string[] = [];
    for await (const c of stripe.customers.list({ limit: 3 })) if (c.metadata.batch === 'pg') all.push(c.id);
    expect(all).toEqual(newest);
    const p1 = await stripe.customers.list({ limit: 3 });
    expect(p1.has_more).toBe(true);
    expect(p1.url).toBe('/v1/customers');
    expect(p1.data.map((c) => c.id)).toEqual(newest.slice(0, 3));
    const p2 = await stripe.customers.list({ limit: 3, starting_after: p1.data[2]!.id });
    expect(p2.data.map((c) => c.id)).toEqual(newest.slice(3, 6));
    const back = await stripe.customers.list({ limit: 2, ending_before: newest[4]! });
    expect(back.data.map((c) => c.id)).toEqual(newest.slice(2, 4));
    expect(back.has_more).toBe(true);
    const backAll: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2, ending_before: newest[6]! })) backAll.push(c.id);
    expect(backAll).toEqual(newest.slice(0, 6).reverse());
    for (const limit of [0, 101]) {
      await expect(stripe.customers.list({ limit })).rejects.toMatchObject({ param: 'limit' });
    }
  });

  it('expands ids on objects and inside lists', async () => {
    const c = await stripe.customers.create({ email: 'exp@x.io' });
    const pi = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      customer: c.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      expand: ['customer', 'payment_method', 'latest_charge.payment_method'],
    });
    expect((pi.customer as Stripe.Customer).email).toBe('exp@x.io');
    expect((pi.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');
    expect(((pi.latest_charge as Stripe.Charge).payment_method as unknown as Stripe.PaymentMethod).id).toBe(
      (pi.payment_method as Stripe.PaymentMethod).id,
    );
    const list = await stripe.charges.list({ customer: c.id, expand: ['data.payment_intent', 'data.customer'] });
    expect((list.data[0]!.payment_intent as Stripe.PaymentIntent).id).toBe(pi.id);
    expect((list.data[0]!.customer as Stripe.Customer).id).toBe(c.id);
    await expect(stripe.customers.retrieve(c.id, { expand: ['not_a_field'] })).rejects.toMatchObject({ param: 'expand' });
  });
});
