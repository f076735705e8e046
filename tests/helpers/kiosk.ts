/**
 * The whole main process as the renderer sees it: the real composition (SQLite files in a temp dir,
 * the training sandbox on loopback, demo data seeded through the real SDK), called through the
 * dispatcher exactly as IPC would call it.
 */
import Stripe from 'stripe';
import { contract, type EntryName, type RequestOf, type ResponseOf, type Result } from '../../electron/shared/contract';
import { startKiosk, type Kiosk } from '../../electron/main/composition';
import { silentLogger } from '../../electron/main/services/logger';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService, type Settings } from '../../electron/main/services/settings/settings-service';
import { tempDir } from './temp-dir';
import { TEST_SECRET_KEY } from './sandbox';

export interface TestKiosk {
  kiosk: Kiosk;
  dir: string;
  /** The SDK pointed at the training sandbox, to look at what really happened at "Stripe". */
  stripe: Stripe;
  call<K extends EntryName>(callerId: string, name: K, request: RequestOf<K>): Promise<Result<ResponseOf<K>>>;
  /** Like call, but fails the test on an error envelope. */
  ok<K extends EntryName>(callerId: string, name: K, request: RequestOf<K>): Promise<ResponseOf<K>>;
  signIn(callerId: string, which?: number): Promise<void>;
  admin(path: string, body?: Record<string, string>): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `settings`: written to the station's settings file before the first start (e.g. `{ terminalDriver: 'js' }`). */
/**
 * `stripe`: another kiosk's sandbox URL, for a second station of the same office (live mode with a
 * test key against that sandbox, so both stations share one "Stripe").
 */
export async function startTestKiosk(opts: { dir?: string; settings?: Partial<Settings>; stripe?: string } = {}): Promise<TestKiosk> {
  const t = opts.dir ? { dir: opts.dir, cleanup: () => {} } : tempDir('kiosk-it-');
  if (opts.settings) new SettingsService(createConfStore(t.dir), {}).update(opts.settings);
  const shared = opts.stripe ? new URL(opts.stripe) : null;
  if (shared) new SettingsService(createConfStore(t.dir), {}).update({ stripeSecretKey: 'sk_test_SecondStation0000' });
  const boot = () =>
    startKiosk({
      ...(shared ? { stripeEndpoint: { host: shared.hostname, port: Number(shared.port), protocol: 'http' as const } } : {}),
      dataDir: t.dir,
      resourcesDir: new URL('../../resources', import.meta.url).pathname,
      settings: new SettingsService(createConfStore(t.dir), {}),
      log: silentLogger,
      version: 'test',
    });
  let kiosk = await boot();
  const client = () => {
    const port = Number(new URL(kiosk.sandboxUrl ?? opts.stripe!).port);
    return new Stripe(TEST_SECRET_KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  };
  const self: TestKiosk = {
    get kiosk() {
      return kiosk;
    },
    dir: t.dir,
    stripe: client(),
    call: (callerId, name, request) => kiosk.dispatcher.dispatch(callerId, contract[name].channel, request) as never,
    async ok(callerId, name, request) {
      const r = await self.call(callerId, name, request);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    async signIn(callerId, which = 0) {
      const demo = kiosk.appInfo().demoSignIns[which]!;
      await self.ok(callerId, 'signIn', { email: demo.email, password: demo.password });
    },
    async admin(path, body = {}) {
      const res = await fetch(`${kiosk.sandboxUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
      if (!res.ok) throw new Error(`sandbox admin ${path}: ${res.status}`);
    },
    async restart() {
      await kiosk.stop();
      kiosk = await boot();
      self.stripe = client();
    },
    async stop() {
      await kiosk.stop();
      t.cleanup();
    },
  };
  return self;
}
