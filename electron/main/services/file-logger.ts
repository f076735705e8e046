/**
 * The station's log file: electron-log's file transport (its Node entry, no Electron needed), which
 * rotates the file at `maxSizeBytes` (the previous one kept as `<name>.old.log`). Every line goes
 * through `redact` first, so no secret key or card number is ever written.
 */
import log from 'electron-log/node';
import { join } from 'node:path';
import { redact, type Logger } from './logger';

export function fileLogger(opts: { dir: string; fileName?: string; maxSizeBytes?: number; prefix?: string; console?: boolean }): Logger {
  const instance = log.create({ logId: `kiosk-${opts.dir}` });
  instance.transports.file.resolvePathFn = () => join(opts.dir, opts.fileName ?? 'main.log');
  instance.transports.file.maxSize = opts.maxSizeBytes ?? 5 * 1024 * 1024;
  instance.transports.file.format = '{iso} [{level}] {text}';
  instance.transports.file.sync = true;
  instance.transports.console.level = opts.console === false ? false : 'info';
  const prefix = opts.prefix ?? 'kiosk';
  const line = (message: string, data?: Record<string, unknown>) =>
    redact(`[${prefix}] ${message}${data ? ` ${JSON.stringify(data)}` : ''}`);
  return {
    info: (m, d) => instance.info(line(m, d)),
    warn: (m, d) => instance.warn(line(m, d)),
    error: (m, d) => instance.error(line(m, d)),
  };
}
