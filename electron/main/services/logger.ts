/** Logging port. Everything logged goes through `redact` first: no secret key or card number reaches a log. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const SECRET = /\b(sk|rk)_(test|live)_[A-Za-z0-9]+/g;
const CARDLIKE = /\b(?:\d[ -]?){12,19}\b/g;

export function redact(text: string): string {
  return text.replace(SECRET, '$1_$2_[redacted]').replace(CARDLIKE, '[number redacted]');
}

export function consoleLogger(prefix = 'kiosk', sink: Pick<Console, 'log' | 'warn' | 'error'> = console): Logger {
  const line = (level: string, message: string, data?: Record<string, unknown>) =>
    redact(`[${prefix}] ${level} ${message}${data ? ` ${JSON.stringify(data)}` : ''}`);
  return {
    info: (m, d) => sink.log(line('info', m, d)),
    warn: (m, d) => sink.warn(line('warn', m, d)),
    error: (m, d) => sink.error(line('error', m, d)),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
