/**
 * A network receipt printer for integration tests: a real TCP listener on 127.0.0.1 that answers the
 * paper-status query with "paper OK" and keeps every job (a fake: the physical printer cannot run
 * here). `printedRows` reads a job back as the rows a person sees on the paper.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { PAPER_STATUS_QUERY } from '../../electron/main/services/receipts/network-printer';

export interface TestPrinter {
  readonly port: number;
  /** Every job received, in order (status queries removed). */
  readonly jobs: Buffer[];
  /** Stops listening: the printer is "off". */
  off(): Promise<void>;
  /** Listens again on the same port. */
  on(): Promise<void>;
}

export async function startTestPrinter(): Promise<TestPrinter> {
  const jobs: Buffer[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const query = Buffer.from(PAPER_STATUS_QUERY);
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((sock) => {
        sockets.add(sock);
        let data = Buffer.alloc(0);
        sock.on('data', (chunk) => {
          data = Buffer.concat([data, chunk]);
          while (data.subarray(0, query.length).equals(query)) {
            data = data.subarray(query.length);
            sock.write(Uint8Array.of(0x12)); // paper OK
          }
        });
        sock.on('end', () => {
          if (data.length > 0) jobs.push(data);
          sock.end();
        });
        sock.on('close', () => sockets.delete(sock));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    jobs,
    on: listen,
    off: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        if (!server) return resolve();
        server.close(() => resolve());
        server = null;
      }),
  };
}

/** The Windows-1252 characters these receipts print that Latin-1 does not have. */
const CP1252: Record<string, string> = { '\x96': '\u2013', '\x97': '\u2014', '\x95': '\u2022', '\x85': '\u2026' };

/**
 * The text of an ESC/POS job, one entry per printed line, each line the list of its text pieces
 * (a row is [label, value]; a heading is [text]). receiptline starts every piece of text with the
 * same style reset (ending in GS ! n, the character size), maybe bold (ESC E 1) or inverted (GS B 1);
 * the text runs until the next command or the end of the line. Characters outside ASCII come after a
 * code-page switch (ESC t n); the one code page these receipts use is Windows-1252 (the dash).
 */
export function printedLines(job: Buffer): string[][] {
  const text = job
    .toString('latin1')
    .replace(/\x1bt[\s\S]([\x80-\xff]+)/g, (_, high: string) => [...high].map((c) => CP1252[c] ?? c).join(''));
  return text
    .split('\n')
    .map((line) =>
      [...line.matchAll(/\x1d![\x00\x11](?:\x1bE1|\x1dB1)*([^\x00-\x1f]+?)(?=[\x00-\x1f]|$)/g)].map((m) => m[1]!.trim()).filter(Boolean),
    )
    .filter((pieces) => pieces.length > 0);
}

/** The rows of a job as label → value (the first of each label). */
export function printedRows(job: Buffer): Map<string, string> {
  const rows = new Map<string, string>();
  for (const pieces of printedLines(job)) if (pieces.length === 2 && !rows.has(pieces[0]!)) rows.set(pieces[0]!, pieces[1]!);
  return rows;
}
