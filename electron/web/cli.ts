import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPreview } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5180' },
    'data-dir': { type: 'string', default: '.data/preview' },
    host: { type: 'string', default: '127.0.0.1' },
    'stripe-endpoint': { type: 'string' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number between 0 and 65535 (got ${values.port})`);
  process.exit(2);
}
let stripeEndpoint: { host: string; port: number; protocol: 'http' | 'https' } | undefined;
if (values['stripe-endpoint'] !== undefined) {
  // Tests only: live mode against a Stripe stand-in (honoured with an sk_test_ STRIPE_SECRET_KEY only).
  let endpoint: URL | null = null;
  try {
    endpoint = new URL(values['stripe-endpoint']);
  } catch {
    endpoint = null;
  }
  if (!endpoint || (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') || !endpoint.hostname) {
    console.error(`--stripe-endpoint must be a URL such as http://127.0.0.1:12111 (got ${values['stripe-endpoint']})`);
    process.exit(2);
  }
  const protocol = endpoint.protocol === 'https:' ? 'https' : 'http';
  stripeEndpoint = { host: endpoint.hostname, port: Number(endpoint.port || (protocol === 'https' ? 443 : 80)), protocol };
}
const preview = await startPreview({
  port,
  host: values.host,
  dataDir: resolve(values['data-dir']),
  ...(stripeEndpoint ? { stripeEndpoint } : {}),
}).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
console.log(`Kiosk preview listening on ${preview.url}`);
console.log(`Training mode: ${preview.kiosk.trainingMode ? 'on (offline Stripe sandbox)' : 'off (Stripe key configured)'}`);
if (preview.kiosk.sandboxUrl) console.log(`Stripe sandbox at ${preview.kiosk.sandboxUrl}`);
const stop = () => {
  preview.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
