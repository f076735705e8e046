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
    expect(s.get()).toEqual({
      kiosk: false,
      stationId: 'station-1',
      idleTimeoutSeconds: 90,
      onScreenKeyboard: 'touch',
      businessName: 'City Utilities Billing',
      offlineMaxPayment: 50_000,
      offlineMaxTotal: 200_000,
      terminalDriver: 'server',
      backupIntervalMinutes: 60,
      backupKeep: 48,
    });
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

  it('chooses the desk reader driver: server by default, js when set, and an unknown value falls back to server', () => {
    const { dir, backend } = store();
    const s = new SettingsService(backend, {});
    expect(s.get().terminalDriver).toBe('server');
    s.update({ terminalDriver: 'js' });
    expect(new SettingsService(createConfStore(dir), {}).get().terminalDriver).toBe('js');
    backend.set('terminalDriver', 'bluetooth');
    expect(new SettingsService(backend, {}).get().terminalDriver).toBe('server');
  });

  it('takes the key from STRIPE_SECRET_KEY over the stored one, and refuses a publishable key there', () => {
    const { backend } = store();
    backend.set('stripeSecretKey', 'sk_test_stored');
    expect(new SettingsService(backend, { STRIPE_SECRET_KEY: 'sk_test_fromenv' }).stripeSecretKey()).toBe('sk_test_fromenv');
    expect(new SettingsService(backend, {}).stripeSecretKey()).toBe('sk_test_stored');
    expect(() => new SettingsService(backend, { STRIPE_SECRET_KEY: 'pk_live_abc' }).get()).toThrow(/not a Stripe secret key/);
  });

  it('mail server (smtp): port 587 and STARTTLS by default; a bad block on disk is dropped, the rest kept', () => {
    const { backend } = store();
    const s = new SettingsService(backend, {});
    s.update({ smtp: { host: 'mail.example.com', from: 'receipts@example.com' } as never });
    expect(s.get().smtp).toEqual({ host: 'mail.example.com', port: 587, secure: false, from: 'receipts@example.com' });
    expect(() => s.update({ smtp: { host: 'mail.example.com', port: 587, secure: false, from: 'not an address' } })).toThrow();
    backend.set('smtp', { host: '', port: 99_999, from: 'x' });
    backend.set('kiosk', true);
    const got = new SettingsService(backend, {}).get();
    expect(got.smtp).toBeUndefined();
    expect(got.kiosk).toBe(true);
  });

  it('takes the mail password from SMTP_PASSWORD over the stored one, only for a configured mail server, and never writes it', () => {
    const { dir, backend } = store();
    expect(new SettingsService(backend, { SMTP_PASSWORD: 'from-env' }).get().smtp).toBeUndefined();
    const smtp = { host: 'mail.example.com', port: 465, secure: true, user: 'desk', password: 'stored-pass', from: 'receipts@example.com' };
    new SettingsService(backend, {}).update({ smtp });
    const s = new SettingsService(backend, { SMTP_PASSWORD: 'from-env' });
    expect(s.get().smtp?.password).toBe('from-env');
    expect(new SettingsService(backend, {}).get().smtp?.password).toBe('stored-pass');
    s.update({ kiosk: true });
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain('from-env');
  });

  it('never shows the mail password in redacted settings or in logs', () => {
    const { backend } = store();
    const s = new SettingsService(backend, {});
    s.update({
      smtp: {
        host: 'mail.example.com',
        port: 587,
        secure: false,
        user: 'desk',
        password: 'hunter2-mail-secret',
        from: 'receipts@example.com',
      },
    });
    const redacted = s.redacted();
    expect(redacted.smtp).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      user: 'desk',
      password: 'set',
      from: 'receipts@example.com',
    });
    expect(JSON.stringify(redacted)).not.toContain('hunter2');
    const lines: string[] = [];
    const log = consoleLogger('t', {
      log: (l: string) => lines.push(l),
      warn: (l: string) => lines.push(l),
      error: (l: string) => lines.push(l),
    });
    log.info('settings', { settings: redacted });
    expect(lines.join('\n')).toContain('mail.example.com');
    expect(lines.join('\n')).not.toContain('hunter2');
    const withoutPassword = new SettingsService(store().backend, {});
    withoutPassword.update({ smtp: { host: 'relay.local', port: 25, secure: false, from: 'receipts@example.com' } });
    expect(withoutPassword.redacted().smtp?.password).toBe('not set');
  });

  it('never shows the key in redacted settings or in logs', () => {
    const { backend } = store();
    const s = new SettingsService(backend, { STRIPE_SECRET_KEY: 'sk_test_supersecret123' });
    expect(JSON.stringify(s.redacted())).not.toContain('supersecret');
    const lines: string[] = [];
    const log = consoleLogger('t', {
      log: (l: string) => lines.push(l),
      warn: (l: string) => lines.push(l),
      error: (l: string) => lines.push(l),
    });
    log.info('using key sk_test_supersecret123 for card 4242 4242 4242 4242', { key: 'sk_live_abcDEF' });
    expect(lines.join('\n')).not.toMatch(/supersecret|abcDEF|4242 4242/);
  });
});
