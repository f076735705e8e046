/**
 * A Stripe key that is given but malformed never turns a station into training mode: whitespace
 * around it is trimmed, anything else (quotes, a publishable key, a typo) stops the start with
 * `stripe_key_invalid`, from the settings file and from STRIPE_SECRET_KEY alike.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKiosk } from '../../electron/main/composition';
import { silentLogger } from '../../electron/main/services/logger';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { tempDir } from '../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
const KEY = 'sk_live_51AbCdEfGhIjKlMnOpQrStUv';

function station(stored: unknown, env: Record<string, string> = {}) {
  const t = tempDir('stripe-key-');
  cleanups.push(t.cleanup);
  const backend = createConfStore(t.dir);
  if (stored !== undefined) backend.set('stripeSecretKey', stored);
  return { dir: t.dir, settings: new SettingsService(backend, env) };
}

describe('a Stripe key with whitespace around it', () => {
  it.each([`${KEY} `, `${KEY}\n`, ` ${KEY}`, `\t${KEY}\r\n`])('is the key, trimmed (%j)', (typed) => {
    expect(station(typed).settings.stripeSecretKey()).toBe(KEY);
    expect(station(undefined, { STRIPE_SECRET_KEY: typed }).settings.stripeSecretKey()).toBe(KEY);
  });
});

describe('a Stripe key that is given but is not a key', () => {
  const bad = [`"${KEY}"`, `'${KEY}'`, `${KEY}.`, 'pk_live_51AbCdEf', `${KEY.slice(0, 10)} ${KEY.slice(10)}`, '', '   ', 42];
  it.each(bad)('stops the start instead of training mode (%j)', async (typed) => {
    const s = station(typed);
    expect(() => s.settings.stripeSecretKey()).toThrow(expect.objectContaining({ reason: 'stripe_key_invalid' }));
    await expect(
      startKiosk({ dataDir: s.dir, resourcesDir: 'resources', settings: s.settings, log: silentLogger, version: 'test' }),
    ).rejects.toMatchObject({ reason: 'stripe_key_invalid', message: expect.stringMatching(/not a Stripe secret key/) });
    // Nothing was opened or seeded: no database, no training stand-in.
    expect(existsSync(join(s.dir, 'kiosk.db'))).toBe(false);
    expect(existsSync(join(s.dir, 'training'))).toBe(false);
  });

  it.each(bad.filter((b): b is string => typeof b === 'string' && b.trim() !== ''))('from STRIPE_SECRET_KEY too (%j)', (typed) => {
    expect(() => station(undefined, { STRIPE_SECRET_KEY: typed }).settings.stripeSecretKey()).toThrow(
      expect.objectContaining({ reason: 'stripe_key_invalid' }),
    );
  });

  it('no key at all is training mode, as before', () => {
    expect(station(undefined).settings.stripeSecretKey()).toBeUndefined();
    expect(station(null).settings.stripeSecretKey()).toBeUndefined();
  });
});
