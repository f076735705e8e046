/**
 * The e-mail port for receipts, under plain Node: SMTP through nodemailer, or, in training mode
 * with no mail server set up, the "training mail drop" that saves each message as an .eml file in
 * <dataDir>/training-mail/ and sends nothing. Both answer a PrintResult and never throw: a receipt
 * that could not be e-mailed changes nothing about the payment, and the clerk can try again later.
 *
 * The SMTP password stays here: it goes to the mail server only (over TLS, except to a relay on
 * this machine), never into an answer, a log line or an error message.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SmtpSettings } from '../settings/settings-service';
import { maskEmail } from './email-text';
import { printFailure, type PrintResult } from './print-result';
import type { ReceiptEmail } from './receipts-service';

export type MailPort = (message: ReceiptEmail) => Promise<PrintResult>;

/** Connecting, the greeting and each step of the conversation get this long (and the whole send twice that). */
export const DEFAULT_MAIL_TIMEOUT_MS = 15_000;
export const TRAINING_MAIL_DIR = 'training-mail';
const TRAINING_FROM = 'receipts@training.invalid';

export interface SmtpMailerOptions {
  smtp: SmtpSettings;
  /** The display name of the sender (the business name). */
  fromName: () => string;
  log: Logger;
  timeoutMs?: number;
}

function mailOptions(m: ReceiptEmail, from: { name: string; address: string }): SendMailOptions {
  return {
    from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    attachments: [{ filename: m.filename, content: m.pdf, contentType: 'application/pdf' }],
    // Nothing in a receipt e-mail is read from a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1' || host === '[::1]';

/** Sends through the configured SMTP server: one connection per receipt, closed after it. */
export function smtpMailPort(opts: SmtpMailerOptions): MailPort {
  const { smtp, log } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_MAIL_TIMEOUT_MS;
  return async (m) => {
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      // A password only ever travels encrypted: STARTTLS is required unless the relay is on this machine.
      requireTLS: Boolean(smtp.user) && !smtp.secure && !isLoopback(smtp.host),
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(Object.assign(new Error('the whole send took too long'), { code: 'ETIMEDOUT' })), 2 * timeoutMs);
    });
    try {
      await Promise.race([transport.sendMail(mailOptions(m, { name: opts.fromName(), address: smtp.from })), deadline]);
      log.info('receipt emailed', { to: maskEmail(m.to) });
      return { ok: true };
    } catch (err) {
      const failure = mailFailure(err, smtp, m.to);
      log.warn('receipt e-mail failed', { to: maskEmail(m.to), code: errorCode(err), problem: failure.ok ? '' : failure.message });
      return failure;
    } finally {
      clearTimeout(timer);
      transport.close();
    }
  };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** nodemailer's error, as a message the clerk can act on. The password never appears in it. */
export function mailFailure(err: unknown, smtp: Pick<SmtpSettings, 'host' | 'port' | 'password' | 'from'>, to: string): PrintResult {
  const e = (err ?? {}) as { code?: unknown; command?: unknown; responseCode?: unknown; message?: unknown };
  const code = errorCode(err);
  const raw = typeof e.message === 'string' ? e.message : '';
  const server = `${smtp.host.slice(0, 60)}:${smtp.port}`;
  const command = typeof e.command === 'string' ? e.command : '';
  let message: string;
  if (/ECONNREFUSED/.test(raw)) message = `The mail server (${server}) refused the connection.`;
  else if (code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(raw)) message = `The mail server ${smtp.host.slice(0, 60)} was not found.`;
  else if (code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out/i.test(raw)) message = `The mail server (${server}) did not answer in time.`;
  else if (code === 'EAUTH' || code === 'ENOAUTH') message = 'The mail server did not accept this station\u2019s user name or password.';
  else if (code === 'ETLS' || code === 'EREQUIRETLS') message = 'A secure (TLS) connection to the mail server could not be made.';
  else if (code === 'EENVELOPE' && command.startsWith('MAIL'))
    message = `The mail server refused the sender address ${smtp.from.slice(0, 80)}.`;
  else if (code === 'EENVELOPE') message = `The mail server refused the address ${to.slice(0, 100)}.`;
  else if (code === 'EMESSAGE') message = 'The mail server refused the message.';
  else if (/ECONNRESET|EPIPE|ECONNECTION|ESOCKET/.test(`${code} ${raw}`))
    message = `The connection to the mail server (${server}) was lost.`;
  else message = 'The receipt could not be emailed.';
  if (smtp.password && message.includes(smtp.password)) message = 'The receipt could not be emailed.';
  return printFailure('email_failed', message);
}

export interface TrainingMailDropOptions {
  /** The station's data folder: messages go to <dataDir>/training-mail/. */
  dataDir: string;
  clock: Clock;
  fromName: () => string;
  log: Logger;
}

/**
 * Training mode without a mail server: the message is composed exactly as it would be sent, and
 * saved as an .eml file (open it in any mail program) instead of being sent.
 */
export function trainingMailDrop(opts: TrainingMailDropOptions): MailPort {
  const dir = join(opts.dataDir, TRAINING_MAIL_DIR);
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return async (m) => {
    try {
      const info = await composer.sendMail(mailOptions(m, { name: `${opts.fromName()} (training)`, address: TRAINING_FROM }));
      const stamp = new Date(opts.clock.now()).toISOString().replace(/[:.]/g, '-');
      const file = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
      await mkdir(dir, { recursive: true });
      // Written whole, then renamed: a half-written message is never seen under its .eml name.
      await writeFile(join(dir, `${file}.part`), info.message);
      await rename(join(dir, `${file}.part`), join(dir, file));
      opts.log.info('training mode: receipt e-mail saved, not sent', { file });
      return {
        ok: true,
        message: `Training mode: the email was not sent. It was saved as ${TRAINING_MAIL_DIR}/${file} in the station\u2019s data folder.`,
      };
    } catch (err) {
      opts.log.warn('training mode: receipt e-mail could not be saved', { error: err instanceof Error ? err.message : String(err) });
      return printFailure('email_failed', 'Training mode: the email could not be saved in the station\u2019s data folder.');
    }
  };
}

export interface ReceiptMailOptions {
  smtp: SmtpSettings | undefined;
  trainingMode: boolean;
  dataDir: string;
  clock: Clock;
  fromName: () => string;
  log: Logger;
  timeoutMs?: number;
}

/** The station's e-mail port: its SMTP server; in training mode without one, the mail drop; otherwise none. */
export function receiptMailPort(opts: ReceiptMailOptions): MailPort | undefined {
  if (opts.smtp)
    return smtpMailPort({
      smtp: opts.smtp,
      fromName: opts.fromName,
      log: opts.log,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  if (opts.trainingMode) return trainingMailDrop({ dataDir: opts.dataDir, clock: opts.clock, fromName: opts.fromName, log: opts.log });
  return undefined;
}
