/**
 * Runs the offline Stripe sandbox on its own: `npm run sandbox -- --port 4599 [--data-dir DIR]`.
 * State lives in DIR/sandbox.sqlite (default .data/sandbox) and survives restarts.
 */
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { StripeSandbox } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4599' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string', default: '.data/sandbox' },
    'ach-settlement-ms': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0-65535 (got ${values.port})`);
  process.exit(2);
}
const dataDir = resolve(values['data-dir']);
const ach = values['ach-settlement-ms'] === undefined ? undefined : Number(values['ach-settlement-ms']);
const sandbox = new StripeSandbox({ dbPath: join(dataDir, 'sandbox.sqlite'), ...(ach !== undefined ? { achSettlementMs: ach } : {}) });

const { url, host, port: actual } = await sandbox.start(port, values.host);
console.log(`Stripe sandbox listening on ${url}`);
console.log(`  data: ${join(dataDir, 'sandbox.sqlite')}`);
console.log(`  SDK:  new Stripe('sk_test_...', { host: '${host}', port: ${actual}, protocol: 'http', maxNetworkRetries: 0 })`);
console.log(
  `  admin: POST ${url}/__sandbox/settle | POST ${url}/__sandbox/outage mode=refuse|hang|rate_limit|server_error|off | POST ${url}/__sandbox/faults pattern=<regex on "METHOD /v1/path"> mode=lose_answer|fail|off times=N | GET ${url}/__sandbox/health`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the Stripe sandbox`);
  await sandbox.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
