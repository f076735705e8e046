import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { consoleLogger } from '../../electron/main/services/logger';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function store() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return { dir: t.dir, backend: createConfStore(t.dir) };
}

describe('settings', () => {
  it('gives defaults on a new machine: training mode (no key), not kiosk, 90 s idle', () => {
    const s = new SettingsService(store().backend, {});
    expect(s.get()).toEqual({ kiosk: false, stationId: 'station-1', idleTimeoutSeconds: 90, businessName: 'City Utilities Billing', offlineMaxPayment: 50_000, offlineMaxTotal: 200_000 });
    expect(s.stripeSecretKey()).toBeUndefined();
  });

  it('persists updates to a real file through conf and refuses values that fail the schema', () => {
    const { dir, backend } = store();
    const s = new SettingsService(backend, {});
    s.update({ kiosk: true, idleTimeoutSeconds: 120 });
    expect(new SettingsService(createConfStore(dir), {}).get()).toMatchObject({ kiosk: true, idleTimeoutSeconds: 120 });
    expect(() => s.update({ idleTimeoutSeconds: 1 })).toThrow();
    expect(() => s.update({ stripeSecretKey: 'pk_test_nope' })).toThrow();
    expect(s.get().idleTimeoutSeconds).toBe(120);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ kiosk: true });
  });

  it('ignores a bad value on disk for that key only', () => {
    const { backend } = store();
    backend.set('idleTimeoutSeconds', 'soon');
    backend.set('kiosk', true);
    expect(new SettingsService(backend, {}).get()).toMatchObject({ idleTimeoutSeconds: 90, kiosk: true });
  });

  it('takes the key from STRIPE_SECRET_KEY over the stored one, and refuses a publishable key there', () => {
    const { backend } = store();
    backend.set('stripeSecretKey', 'sk_test_stored');
    expect(new SettingsService(backend, { STRIPE_SECRET_KEY: 'sk_test_fromenv' }).stripeSecretKey()).toBe('sk_test_fromenv');
    expect(new SettingsService(backend, {}).stripeSecretKey()).toBe('sk_test_stored');
    expect(() => new SettingsService(backend, { STRIPE_SECRET_KEY: 'pk_live_abc' }).get()).toThrow(/not a Stripe secret key/);
  });

  it('never shows the key in redacted settings or in logs', () => {
    const { backend } = store();
    const s = new SettingsService(backend, { STRIPE_SECRET_KEY: 'sk_test_supersecret123' });
    expect(JSON.stringify(s.redacted())).not.toContain('supersecret');
    const lines: string[] = [];
    const log = consoleLogger('t', { log: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l) });
    log.info('using key sk_test_supersecret123 for card 4242 4242 4242 4242', { key: 'sk_live_abcDEF' });
    expect(lines.join('\n')).not.toMatch(/supersecret|abcDEF|4242 4242/);
  });
});
