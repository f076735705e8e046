/**
 * Sends ESC/POS bytes to a network thermal printer over raw TCP (port 9100). Never throws for printer
 * problems: every failure becomes a PrintResult with a message a cashier understands.
 *
 * One connection per job:
 *  1. connect (connect timeout);
 *  2. ask the paper roll sensor with the real-time status query DLE EOT 4 and wait briefly for the one
 *     status byte; paper end → `out_of_paper` and nothing is printed; no answer → unknown, print anyway;
 *  3. write the job, half-close, and wait (write timeout) until the printer has taken it: it answers
 *     the status request receiptline appends to the job (GS r 1), or it closes its side after reading
 *     everything (what raw-port printers do). A printer that accepts but never reads → `printer_timeout`.
 */
import { Socket } from 'node:net';
import { PRINT_MESSAGES, printFailure, type PrintResult } from './print-result';

export const DEFAULT_PRINTER_PORT = 9100;

/** DLE EOT 4: transmit the roll paper sensor status (answered in real time, even while printing). */
export const PAPER_STATUS_QUERY = Uint8Array.of(0x10, 0x04, 0x04);

export type PaperStatus = 'ok' | 'near_end' | 'out_of_paper' | 'unknown';

/**
 * The answer to DLE EOT 4: bit 1 and bit 4 are always 1, bits 0 and 7 always 0; bits 2-3 = paper near
 * end, bits 5-6 = paper end. A byte without the fixed bits is not a status answer.
 */
export function parsePaperStatus(byte: number | undefined): PaperStatus {
  if (byte === undefined || (byte & 0x93) !== 0x12) return 'unknown';
  if (byte & 0x60) return 'out_of_paper';
  if (byte & 0x0c) return 'near_end';
  return 'ok';
}

export interface NetworkPrinterOptions {
  host: string;
  port?: number;
  /** How long to wait for the TCP connection. */
  connectTimeoutMs?: number;
  /** How long the printer may take to take the whole job. */
  writeTimeoutMs?: number;
  /** How long to wait for the answer to the paper status query; 0 skips the query. */
  statusTimeoutMs?: number;
}

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EADDRNOTAVAIL',
]);

export function mapSocketError(err: NodeJS.ErrnoException): PrintResult {
  if (err.code === 'ETIMEDOUT') return printFailure('printer_timeout');
  if (err.code && OFFLINE_CODES.has(err.code)) return printFailure('printer_offline');
  return printFailure('printer_offline', `${PRINT_MESSAGES.printer_offline} (${err.code ?? err.message})`);
}

export class NetworkPrinter {
  readonly host: string;
  readonly port: number;
  private readonly connectTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly statusTimeoutMs: number;

  constructor(options: NetworkPrinterOptions) {
    this.host = options.host;
    this.port = options.port ?? DEFAULT_PRINTER_PORT;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 400;
  }

  send(bytes: Uint8Array): Promise<PrintResult> {
    if (!this.host || !Number.isInteger(this.port) || this.port < 1 || this.port > 65_535)
      return Promise.resolve(printFailure('printer_offline', 'The receipt printer address is not set up correctly'));

    return new Promise<PrintResult>((resolve) => {
      const socket = new Socket();
      let phase: 'connect' | 'status' | 'drain' = 'connect';
      let timer: NodeJS.Timeout | undefined;
      let settled = false;

      const finish = (result: PrintResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const deadline = (ms: number, onTimeout: () => void) => {
        clearTimeout(timer);
        timer = setTimeout(onTimeout, ms);
      };
      const writeJob = () => {
        phase = 'drain';
        deadline(this.writeTimeoutMs, () => finish(printFailure('printer_timeout')));
        socket.end(bytes);
      };

      socket.on('error', (err: NodeJS.ErrnoException) => finish(mapSocketError(err)));
      socket.on('data', (chunk: Buffer) => {
        if (phase === 'status') {
          if (parsePaperStatus(chunk[0]) === 'out_of_paper') finish(printFailure('out_of_paper'));
          else writeJob();
        } else if (phase === 'drain') {
          finish({ ok: true }); // the printer answered the status request at the end of the job
        }
      });
      socket.on('close', () => {
        if (phase === 'drain')
          finish({ ok: true }); // the printer read everything and hung up
        else finish(printFailure('printer_offline'));
      });

      deadline(this.connectTimeoutMs, () => finish(printFailure('printer_timeout')));
      socket.connect({ host: this.host, port: this.port }, () => {
        socket.setNoDelay(true);
        if (this.statusTimeoutMs <= 0) return writeJob();
        phase = 'status';
        deadline(this.statusTimeoutMs, writeJob); // no answer: status unknown, print anyway
        socket.write(PAPER_STATUS_QUERY);
      });
    });
  }
}

/** The ReceiptsService `escpos` port: one NetworkPrinter per job, aimed at the printer in the settings. */
export function networkPrinterPort(options: Omit<NetworkPrinterOptions, 'host' | 'port'> = {}) {
  return (bytes: Uint8Array, target: { host: string; port: number }): Promise<PrintResult> =>
    new NetworkPrinter({ ...options, ...target }).send(bytes);
}
