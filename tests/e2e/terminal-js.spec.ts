/**
 * The `@stripe/terminal-js` adapter (renderer/src/terminal/terminal-js-adapter.ts) in the real page,
 * against a stubbed js.stripe.com/terminal/v1: the SDK's connection tokens come from main over IPC
 * (a staff member must be signed in), the adapter's calls reach the SDK in order, and the SDK's
 * errors come back as `{ ok: false, code, message }` in plain words.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createManager } from './desk-helpers';

/** A stand-in for js.stripe.com/terminal/v1: records every call and the connection tokens it got. */
const FAKE_SDK = `
(() => {
  const log = { calls: [], tokens: [], tokenErrors: [], callbacks: null };
  window.__fakeTerminal = log;
  const reader = { id: 'tmr_fake_1', label: 'Fake reader', device_type: 'simulated_wisepos_e', status: 'online' };
  window.StripeTerminal = {
    PaymentStatus: {}, ConnectionStatus: {}, OutputLogLevel: {},
    create(props) {
      log.calls.push('create');
      log.callbacks = props;
      return {
        async discoverReaders(config) {
          log.calls.push('discoverReaders:' + JSON.stringify(config));
          return { discoveredReaders: [reader] };
        },
        async connectReader(r) {
          log.calls.push('connectReader:' + r.id);
          try {
            log.tokens.push(await props.onFetchConnectionToken());
          } catch (e) {
            log.tokenErrors.push(String(e && e.message));
            return { error: { code: 'connection_token_failed', message: 'Could not fetch a connection token.' } };
          }
          return { reader: r };
        },
        async collectPaymentMethod(secret) {
          log.calls.push('collectPaymentMethod:' + secret);
          if (secret.includes('decline')) return { error: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } };
          return { paymentIntent: { id: secret.split('_secret_')[0], status: 'requires_payment_method' } };
        },
        async processPayment(pi) {
          log.calls.push('processPayment:' + pi.id);
          return { paymentIntent: { ...pi, status: 'requires_capture' } };
        },
        async cancelCollectPaymentMethod() {
          log.calls.push('cancelCollectPaymentMethod');
          return {};
        },
        async disconnectReader() {
          log.calls.push('disconnectReader');
          return {};
        },
      };
    },
  };
})();
`;

async function openWithAdapter(page: Page): Promise<{ scriptRequests: string[] }> {
  const scriptRequests: string[] = [];
  await page.addInitScript(() => {
    (window as { __KIOSK_E2E__?: boolean }).__KIOSK_E2E__ = true;
  });
  await page.route('https://js.stripe.com/terminal/**', async (route) => {
    scriptRequests.push(route.request().url());
    await route.fulfill({ status: 200, contentType: 'application/javascript', body: FAKE_SDK });
  });
  return { scriptRequests };
}

/** The adapter as the page exposes it (renderer/src/terminal/terminal-js-adapter.ts; the renderer is outside this project's tsconfig). */
type Result = { ok: true; [key: string]: unknown } | { ok: false; code: string; message: string };
interface Adapter {
  discoverReaders(options: {
    simulated: boolean;
  }): Promise<{ ok: true; readers: { id: string }[] } | { ok: false; code: string; message: string }>;
  connect(reader: { id: string }): Promise<Result>;
  collectAndProcess(clientSecret: string): Promise<Result>;
  cancel(): Promise<Result>;
  disconnect(): Promise<Result>;
  connectedReader(): { id: string } | null;
  lastDisconnect(): Result | null;
}
type Win = Window & {
  __terminalJsAdapter: Adapter;
  __fakeTerminal: {
    calls: string[];
    tokens: string[];
    tokenErrors: string[];
    callbacks: { onUnexpectedReaderDisconnect(e: unknown): void };
  };
};

test('terminal-js adapter: tokens from main, calls in order, errors in plain words', async ({ page }) => {
  const { scriptRequests } = await openWithAdapter(page);

  // Nobody signed in: main refuses the connection token, and connect says so.
  await page.goto('/#/desk');
  await page.waitForFunction(() => Boolean((window as unknown as Win).__terminalJsAdapter));
  const refused = await page.evaluate(async () => {
    const a = (window as unknown as Win).__terminalJsAdapter;
    const found = await a.discoverReaders({ simulated: true });
    if (!found.ok) return { found };
    return { found, connected: await a.connect(found.readers[0]!), tokenErrors: (window as unknown as Win).__fakeTerminal.tokenErrors };
  });
  expect(scriptRequests).toEqual(['https://js.stripe.com/terminal/v1']);
  expect(refused.found.ok).toBe(true);
  expect(refused.connected).toMatchObject({ ok: false, code: 'connection_token_failed' });
  expect(refused.connected && !refused.connected.ok && refused.connected.message).toMatch(/permission to use the card reader/);
  expect(refused.tokenErrors?.[0]).toMatch(/sign in/i);

  // Staff signed in (the first manager): the whole flow.
  await createManager(page);
  await page.waitForFunction(() => Boolean((window as unknown as Win).__terminalJsAdapter));
  const run = await page.evaluate(async () => {
    const w = window as unknown as Win;
    const a = w.__terminalJsAdapter;
    const beforeConnect = await a.collectAndProcess('pi_early_secret_x');
    const found = await a.discoverReaders({ simulated: true });
    if (!found.ok) throw new Error(found.message);
    const connected = await a.connect(found.readers[0]!);
    const paid = await a.collectAndProcess('pi_123_secret_abc');
    const declined = await a.collectAndProcess('pi_decline_secret_def');
    const canceled = await a.cancel();
    const disconnected = await a.disconnect();
    // The reader drops off by itself after a reconnect.
    await a.connect(found.readers[0]!);
    w.__fakeTerminal.callbacks.onUnexpectedReaderDisconnect({ error: { message: 'reader went away' } });
    const afterDrop = { reader: a.connectedReader(), last: a.lastDisconnect(), pay: await a.collectAndProcess('pi_456_secret_ghi') };
    return {
      beforeConnect,
      connected,
      paid,
      declined,
      canceled,
      disconnected,
      afterDrop,
      calls: w.__fakeTerminal.calls,
      tokens: w.__fakeTerminal.tokens,
    };
  });

  expect(run.beforeConnect).toMatchObject({ ok: false, code: 'not_connected' });
  expect(run.connected).toMatchObject({ ok: true, reader: { id: 'tmr_fake_1' } });
  // The tokens came from main (the training sandbox's Terminal connection tokens), one per connect.
  expect(run.tokens).toHaveLength(2);
  for (const token of run.tokens) expect(token).toMatch(/^pst_test_/);
  expect(run.paid).toMatchObject({ ok: true, paymentIntent: { id: 'pi_123', status: 'requires_capture' } });
  expect(run.declined).toEqual({ ok: false, code: 'card_declined', message: 'The card was declined. Ask for another way to pay.' });
  expect(run.canceled).toEqual({ ok: true, canceled: true });
  expect(run.disconnected).toEqual({ ok: true, disconnected: true });
  expect(run.afterDrop.reader).toBeNull();
  expect(run.afterDrop.last).toMatchObject({ ok: false, code: 'reader_disconnected' });
  expect(run.afterDrop.pay).toMatchObject({ ok: false, code: 'not_connected' });

  // The SDK saw the adapter's calls in order (the first connect was the refused one).
  expect(run.calls.slice(0, 3)).toEqual(['create', 'discoverReaders:{"simulated":true}', 'connectReader:tmr_fake_1']);
  expect(run.calls.slice(3)).toEqual([
    'discoverReaders:{"simulated":true}',
    'connectReader:tmr_fake_1',
    'collectPaymentMethod:pi_123_secret_abc',
    'processPayment:pi_123',
    'collectPaymentMethod:pi_decline_secret_def',
    'cancelCollectPaymentMethod',
    'disconnectReader',
    'connectReader:tmr_fake_1',
  ]);
});
