import { describe, expect, it } from 'vitest';
import { contract } from '../../electron/shared/contract';
import { Dispatcher, type CallContext, type Handlers } from '../../electron/main/ipc/dispatcher';
import { AppError } from '../../electron/main/services/errors';
import { silentLogger } from '../../electron/main/services/logger';
import { SessionRegistry } from '../../electron/main/services/session/session-registry';
import { GatewayError } from '../../electron/main/stripe/errors';

const clock = { now: () => 1_700_000_000_000 };

function setup(overrides: Partial<Handlers> = {}) {
  const calls: string[] = [];
  const sessions = new SessionRegistry(clock);
  const publicSession = { role: 'public' as const, customer: null, guestInvoiceId: null };
  // Only the entries these tests call; the rest are never reached.
  const handlers = {
    appInfo: async () => ({
      version: '1',
      trainingMode: true,
      stationId: 's',
      kiosk: false,
      idleTimeoutSeconds: 90,
      demoSignIns: [],
      demoGuestInvoices: [],
    }),
    currentSession: async () => publicSession,
    signIn: async (req: { email: string }) => (calls.push(`signIn:${req.email}`), { ...publicSession, role: 'customer' as const }),
    signOut: async () => publicSession,
    listInvoices: async (_r: unknown, ctx: CallContext) => (calls.push(`list:${ctx.session.customerId}`), { invoices: [], asOf: 1 }),
    getInvoice: async () => {
      throw new AppError('not_found', 'That invoice was not found.');
    },
    ...overrides,
  } as unknown as Handlers;
  return { dispatcher: new Dispatcher(handlers, sessions, silentLogger), sessions, calls };
}

describe('dispatcher', () => {
  it('answers an unknown channel with unknown_channel and calls nothing', async () => {
    const { dispatcher, calls } = setup();
    expect(await dispatcher.dispatch('c1', 'payments:steal', {})).toEqual({
      ok: false,
      error: { code: 'unknown_channel', reason: 'unknown_request', message: expect.any(String) },
    });
    expect(await dispatcher.dispatch('c1', 42, {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(calls).toEqual([]);
  });

  it('refuses malformed payloads with invalid_request naming the field, and never calls the handler', async () => {
    const { dispatcher, calls } = setup();
    const cases: unknown[] = [
      { email: 'not-an-email', password: 'x' },
      { email: 'a@b.co', password: 12 },
      { email: 'a@b.co', password: 'x'.repeat(10_000) },
      { email: `${'a'.repeat(10_000)}@b.co`, password: 'x' },
      { email: 'a@b.co', password: 'x', extra: true },
      'a string',
      [1, 2],
    ];
    for (const input of cases) {
      const result = await dispatcher.dispatch('c1', contract.signIn.channel, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid_request');
    }
    const r = await dispatcher.dispatch('c1', contract.signIn.channel, { email: 'nope', password: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'email' } });
    expect(calls).toEqual([]);
  });

  it('checks the role from the main-process session, not from the request', async () => {
    const { dispatcher, sessions, calls } = setup();
    expect(await dispatcher.dispatch('c1', contract.listInvoices.channel, {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await dispatcher.dispatch('c1', contract.listInvoices.channel, { customerId: 'cus_other' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    sessions.signInCustomer('c1', 'cus_mine');
    expect(await dispatcher.dispatch('c1', contract.listInvoices.channel, {})).toEqual({ ok: true, value: { invoices: [], asOf: 1 } });
    expect(await dispatcher.dispatch('c2', contract.listInvoices.channel, {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(calls).toEqual(['list:cus_mine']);
  });

  it('maps service and Stripe errors to the envelope without leaking internals', async () => {
    const { dispatcher, sessions } = setup({
      listInvoices: async () => {
        throw new GatewayError('unavailable', 'connect ECONNREFUSED 127.0.0.1:443');
      },
      signIn: async () => {
        throw new Error('SQLITE_CORRUPT at /secret/path');
      },
    });
    sessions.signInCustomer('c1', 'cus_1');
    const down = await dispatcher.dispatch('c1', contract.listInvoices.channel, {});
    expect(down).toMatchObject({ ok: false, error: { code: 'stripe_unavailable' } });
    expect(JSON.stringify(down)).not.toContain('ECONNREFUSED');
    const boom = await dispatcher.dispatch('c2', contract.signIn.channel, { email: 'a@b.co', password: 'x' });
    expect(boom).toMatchObject({ ok: false, error: { code: 'internal', reason: 'internal_error' } });
    expect(JSON.stringify(boom)).not.toContain('/secret/path');
    // A failure of unknown cause may come after money moved: it never claims that nothing was charged.
    expect(JSON.stringify(boom)).not.toMatch(/nothing was charged/i);
    expect(await dispatcher.dispatch('c1', contract.getInvoice.channel, { invoiceId: 'in_123' })).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'not_found', message: 'That invoice was not found.' },
    });
  });

  it('carries a service refusal as its reason code with params, for the renderer to word', async () => {
    const { dispatcher, sessions } = setup({
      getInvoice: async () => {
        throw AppError.because('invoice_balance_changed', { params: { remaining: 1234, currency: 'usd' }, field: 'amount' });
      },
    });
    sessions.signInCustomer('c1', 'cus_1');
    expect(await dispatcher.dispatch('c1', contract.getInvoice.channel, { invoiceId: 'in_123' })).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        reason: 'invoice_balance_changed',
        params: { remaining: 1234, currency: 'usd' },
        field: 'amount',
        message: 'invoice_balance_changed',
      },
    });
  });

  it('checks responses against the contract, so a handler cannot leak extra fields', async () => {
    const { dispatcher } = setup({
      appInfo: async () =>
        ({
          version: '1',
          trainingMode: true,
          stationId: 's',
          kiosk: false,
          idleTimeoutSeconds: 90,
          demoSignIns: [],
          demoGuestInvoices: [],
          stripeSecretKey: 'sk_test_x',
        }) as never,
    });
    const r = await dispatcher.dispatch('c1', contract.appInfo.channel, {});
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain('sk_test_x');
  });
});
