import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Top-level await: one sandbox for the whole file, stopped after its tests.
const t: TestSandbox = await startTestSandbox();
const stripe: Stripe = t.stripe;
afterAll(() => t.stop());

const outage = async (mode: string, json = false) => {
  const r = await fetch(
    `${t.url}/__sandbox/outage`,
    json
      ? { method: 'POST', body: JSON.stringify({ mode }), headers: { 'Content-Type': 'application/json' } }
      : { method: 'POST', body: `mode=${mode}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
  );
  return r;
};

describe('outage simulation', () => {
  it('reports health', async () => {
    const h = (await (await fetch(`${t.url}/__sandbox/health`)).json()) as { ok: boolean; outage: string };
    expect(h).toMatchObject({ ok: true, outage: 'off' });
    expect((await outage('sideways')).status).toBe(400);
  });

  it('refuse: every /v1 request fails to connect, admin still answers', async () => {
    expect((await outage('refuse')).status).toBe(200);
    await expect(stripe.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((await fetch(`${t.url}/__sandbox/health`)).status).toBe(200);
    await outage('off', true);
    expect((await stripe.customers.list()).object).toBe('list');
  });

  it('hang: requests get no answer until mode=off; then they are dropped (and stripe-node retries once)', async () => {
    await outage('hang', true);
    let settled = false;
    const pending = stripe.customers.create({ name: 'hung' }).then(
      () => {
        settled = true;
        return 'answered';
      },
      (e: unknown) => {
        settled = true;
        return e;
      },
    );
    // The request reaches the server and is held: health shows it is up, the SDK call is still open.
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    await outage('off');
    // The held socket is destroyed; stripe-node retries a closed connection once even with
    // maxNetworkRetries 0 (same Idempotency-Key), and that retry now gets an answer.
    expect(await pending).toBe('answered');
    expect((await stripe.customers.list({ limit: 100 })).data.filter((c) => c.name === 'hung')).toHaveLength(1);
  });

  it('hang: stop() closes held requests and returns', async () => {
    const other = await startTestSandbox();
    await fetch(`${other.url}/__sandbox/outage`, {
      method: 'POST',
      body: 'mode=hang',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const pending = other.stripe.customers.list().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await other.stop();
    expect(await pending).toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it('rate_limit answers 429', async () => {
    await outage('rate_limit');
    await expect(stripe.customers.list()).rejects.toMatchObject({ statusCode: 429 });
    await outage('off');
  });
});
