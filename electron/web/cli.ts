import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPreview } from './server';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '5180' }, 'data-dir': { type: 'string', default: '.data/preview' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number between 0 and 65535 (got ${values.port})`);
  process.exit(2);
}
const preview = await startPreview({ port, host: values.host, dataDir: resolve(values['data-dir']) }).catch((err: unknown) => {
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
