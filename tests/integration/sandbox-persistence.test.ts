import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StripeSandbox } from '../../packages/stripe-sandbox/src/index.js';
import { sandboxClient, TEST_SECRET_KEY } from '../helpers/sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'stripe-sandbox-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('keeps objects, idempotency keys and pending settlements across stop/start', async () => {
    const dbPath = join(dir, 'sandbox.sqlite');
    let clock = Date.parse('2026-11-01T10:00:00Z');
    const now = () => clock;
    const s1 = new StripeSandbox({ dbPath, now, achSettlementMs: 60_000 });
    const { port, url } = await s1.start(0);
    const stripe = sandboxClient(port);
    const cus = await stripe.customers.create({ email: 'keep@x.io' });
    const key = 'persist-key-1';
    const body = 'email=idem%40x.io';
    const first = await fetch(`${url}/v1/customers`, {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${TEST_SECRET_KEY}`, 'Idempotency-Key': key, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const firstId = ((await first.json()) as { id: string }).id;
    const pi = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      customer: cus.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: 'pm_usBankAccount_success',
      confirm: true,
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '1.1.1.1', user_agent: 'x' } } },
    });
    expect(pi.status).toBe('processing');
    await s1.stop();

    clock += 120_000; // the settlement came due while the sandbox was down
    const s2 = new StripeSandbox({ dbPath, now, achSettlementMs: 60_000 });
    const second = await s2.start(0);
    try {
      const again = sandboxClient(second.port);
      expect((await again.customers.retrieve(cus.id)) as { email: string }).toMatchObject({ email: 'keep@x.io' });
      const replay = await fetch(`${second.url}/v1/customers`, {
        method: 'POST',
        body,
        headers: {
          Authorization: `Bearer ${TEST_SECRET_KEY}`,
          'Idempotency-Key': key,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
      });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as { id: string }).id).toBe(firstId);
      expect((await again.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
      const c2 = await again.customers.create({ email: 'later@x.io' });
      expect((await again.customers.list({ limit: 1 })).data[0]!.id).toBe(c2.id);
    } finally {
      await s2.stop();
    }
  });
});
