import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileLogger } from '../../electron/main/services/file-logger';
import { tempDir } from '../helpers/temp-dir';

let cleanup = () => {};
afterEach(() => cleanup());

describe('the station log file (electron-log)', () => {
  it('never holds a card number or a secret key, in the message or the data', () => {
    const t = tempDir('kiosk-log-');
    cleanup = t.cleanup;
    const log = fileLogger({ dir: t.dir, console: false });
    log.error('charge failed for 4242 4242 4242 4242', { key: 'sk_live_51AbCdEfGhIjKlMnOp', pan: '4000000000000002', amount: 1250 });
    log.info('ok', { station: 'lobby-1' });
    const text = readFileSync(join(t.dir, 'main.log'), 'utf8');
    expect(text).toContain('charge failed for [number redacted]');
    expect(text).toContain('"amount":1250');
    expect(text).toContain('sk_live_[redacted]');
    expect(text).toContain('lobby-1');
    expect(text).not.toMatch(/4242 4242|4000000000000002|51AbCdEf/);
  });

  it('rotates the file at its size limit, keeping the previous one', () => {
    const t = tempDir('kiosk-log-');
    cleanup = t.cleanup;
    const log = fileLogger({ dir: t.dir, console: false, maxSizeBytes: 4_096 });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(60)}`);
    expect(existsSync(join(t.dir, 'main.old.log'))).toBe(true);
    expect(readFileSync(join(t.dir, 'main.log'), 'utf8').length).toBeLessThanOrEqual(4_096 + 200);
    expect(readFileSync(join(t.dir, 'main.log'), 'utf8')).toContain('line 199');
  });
});
