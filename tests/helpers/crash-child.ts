/**
 * A kiosk main process for the crash-safety tests: the real composition, its SQLite files in
 * --data-dir, talking to a Stripe sandbox that runs in the test process (so it outlives this one).
 * KIOSK_CRASH_AT=<point> makes it SIGKILL itself at that point.
 *
 *   queue  --invoice in_… --method pm_… --amount N   open the payment page, cut the line, pay: the charge is queued
 *   drain                                            one queue pass (after restart: recover + reconcile first)
 * Prints one JSON line with what happened.
 */
import { parseArgs } from 'node:util';
import { contract } from '../../electron/shared/contract';
import { startKiosk } from '../../electron/main/composition';
import { crashPointsFromEnv } from '../../electron/main/services/crash-points';
import { silentLogger } from '../../electron/main/services/logger';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string' },
    'sandbox-port': { type: 'string' },
    customer: { type: 'string' },
    invoice: { type: 'string' },
    method: { type: 'string' },
    amount: { type: 'string' },
  },
});
const dataDir = values['data-dir']!;
const port = Number(values['sandbox-port']);
const admin = (mode: string) => fetch(`http://127.0.0.1:${port}/__sandbox/outage`, { method: 'POST', body: new URLSearchParams({ mode }) });

const kiosk = await startKiosk({
  dataDir,
  resourcesDir: new URL('../../resources', import.meta.url).pathname,
  settings: new SettingsService(createConfStore(dataDir), { STRIPE_SECRET_KEY: 'sk_test_crashsafety0000' }),
  log: silentLogger,
  version: 'crash-test',
  stripeEndpoint: { host: '127.0.0.1', port, protocol: 'http' },
  crashPoint: crashPointsFromEnv(process.env, () => process.kill(process.pid, 'SIGKILL')),
});
const call = async (name: keyof typeof contract, req: unknown) => {
  const r = await kiosk.dispatcher.dispatch('desk', contract[name].channel, req);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as Record<string, unknown>;
};

if (positionals[0] === 'queue') {
  kiosk.sessions.signInCustomer('desk', values.customer!);
  const start = await call('startPayment', { invoiceId: values.invoice });
  await call('listMethods', {}); // the customer sees their methods online
  await admin('refuse');
  const outcome = await call('paySaved', {
    attemptId: start['attemptId'],
    paymentMethodId: values.method,
    amount: Number(values.amount),
    nameOnAccount: 'Crash Test',
    postalCode: '78704',
  });
  await admin('off');
  console.log(JSON.stringify({ attemptId: start['attemptId'], outcome }));
} else {
  const report = await kiosk.outbox.drain();
  console.log(JSON.stringify({ report, items: kiosk.outbox.list() }));
}
await kiosk.stop();
process.exit(0);
