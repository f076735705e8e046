/**
 * Starts the Stripe sandbox on a free loopback port with a fresh SQLite file in a temp dir, and
 * returns the real `stripe` SDK pointed at it. Shared by every test that talks to "Stripe".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { StripeSandbox, type SandboxOptions } from '../../packages/stripe-sandbox/src/index.js';

export interface TestSandbox {
  stripe: Stripe;
  sandbox: StripeSandbox;
  url: string;
  port: number;
  dbPath: string;
  dir: string;
  /** Stops the server and removes the temp dir. */
  stop(): Promise<void>;
}

export const TEST_SECRET_KEY = 'sk_test_sandbox_0000000000000000';

export function sandboxClient(port: number, key = TEST_SECRET_KEY): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

export async function startTestSandbox(opts: Partial<Omit<SandboxOptions, 'dbPath'>> & { dir?: string } = {}): Promise<TestSandbox> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'stripe-sandbox-'));
  const dbPath = join(dir, 'sandbox.sqlite');
  const sandbox = new StripeSandbox({ dbPath, ...(opts.now ? { now: opts.now } : {}), achSettlementMs: opts.achSettlementMs ?? 60_000 });
  const { url, port } = await sandbox.start(0);
  return {
    stripe: sandboxClient(port),
    sandbox,
    url,
    port,
    dbPath,
    dir,
    async stop() {
      await sandbox.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
