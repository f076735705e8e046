import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/main/services/errors';
import { receiptDocument, renderEscPos, renderSvg } from '../../electron/main/services/receipts/escpos';
import { renderHtml } from '../../electron/main/services/receipts/html';
import {
  NetworkPrinter,
  PAPER_STATUS_QUERY,
  networkPrinterPort,
  parsePaperStatus,
} from '../../electron/main/services/receipts/network-printer';
import { containsPan } from '../../electron/main/services/receipts/pan';
import { renderPdf } from '../../electron/main/services/receipts/pdf';
import type { PrintResult } from '../../electron/main/services/receipts/print-result';
import { buildReceipt, type ReceiptInput } from '../../electron/main/services/receipts/receipt-model';
import { ReceiptsService, type ReceiptSettings } from '../../electron/main/services/receipts/receipts-service';
import { cardPresentInput } from '../fixtures/receipts';

// ---------------------------------------------------------------------------------------------
// Fixtures

const EMV_VALUES = ['VISA CREDIT', 'A0000000031010', 'Credit', '3030', 'D4B6A1C9E0F21834', '0080008000', 'E800'];

// ---------------------------------------------------------------------------------------------
// A fake network printer: a real TCP listener on 127.0.0.1, port 0. It stands in for the physical
// printer, which cannot run here.

interface FakePrinter {
  port: number;
  /** Everything received on the last connection, status queries removed. */
  job: () => Buffer;
  /** Number of DLE EOT 4 queries seen. */
  statusQueries: () => number;
  /** Resolves when the printer side of the last connection has closed. */
  closed: () => Promise<void>;
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  sockets.forEach((s) => s.destroy());
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

/** Reads everything; answers DLE EOT 4 with `statusByte` (or stays silent when undefined). */
async function fakePrinter(statusByte?: number): Promise<FakePrinter> {
  let data = Buffer.alloc(0);
  let queries = 0;
  let closed: Promise<void> = Promise.resolve();
  const server = await listen((socket) => {
    data = Buffer.alloc(0);
    closed = new Promise((r) => socket.on('close', () => r()));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      while (data.subarray(0, 3).equals(Buffer.from(PAPER_STATUS_QUERY))) {
        queries++;
        data = data.subarray(3);
        if (statusByte !== undefined) socket.write(Uint8Array.of(statusByte));
      }
    });
  });
  return { port: portOf(server), job: () => data, statusQueries: () => queries, closed: () => closed };
}

/** Accepts connections and then never reads, never answers, never closes. */
async function deafPrinter(): Promise<number> {
  const server = await listen((socket) => socket.pause());
  return portOf(server);
}

async function portWithNothingListening(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = portOf(server);
  await new Promise((r) => server.close(r));
  return port;
}

const includes = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));

/** The text pdfkit draws, from an uncompressed PDF: hex strings inside TJ arrays, WinAnsi ≈ latin1. */
function pdfText(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const lines: string[] = [];
  for (const m of src.matchAll(/\[([^\]]*)\]\s*TJ/g))
    lines.push([...(m[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1] ?? '', 'hex').toString('latin1')).join(''));
  return lines.join('\n').replace(/\x97/g, '—');
}

// ---------------------------------------------------------------------------------------------

describe('receipt model', () => {
  it('formats money, date and method in the station locale and time zone', () => {
    const r = buildReceipt(cardPresentInput());
    expect(r.amount).toEqual({ minor: 12550, currency: 'usd', text: '$125.50' });
    expect(r.dateTime).toBe('May 1, 2025, 10:04 AM');
    expect(r.methodText).toBe('Visa **** 4242');
    expect(r.statusText).toBe('Approved');
    expect(r.details.find((d) => d.key === 'staff')?.value).toBe('Dana Ortiz');
    expect(r.emv.map((e) => e.value)).toEqual(EMV_VALUES);
    expect(r.payment.map((p) => [p.key, p.value])).toEqual([
      ['method', 'Visa **** 4242'],
      ['entry_mode', 'Chip'],
      ['auth_code', '123456'],
      ['status', 'Approved'],
    ]);
  });

  it('says "Kiosk" when no staff member took the payment, and explains processing and queued payments', () => {
    const ach = buildReceipt(
      cardPresentInput({
        staffName: null,
        status: 'processing',
        method: { type: 'us_bank_account', bankName: 'STRIPE TEST BANK', last4: '6789' },
      }),
    );
    expect(ach.details.find((d) => d.key === 'staff')?.value).toBe('Kiosk');
    expect(ach.methodText).toBe('STRIPE TEST BANK **** 6789');
    expect(ach.statusText).toBe('Processing');
    expect(ach.statusNote).toMatch(/4 business days/);
    const queued = buildReceipt(cardPresentInput({ status: 'queued', confirmationId: 'queue_1714575840000' }));
    expect(queued.statusText).toBe('Queued');
    expect(queued.statusNote).toMatch(/when the connection returns/);
    expect(buildReceipt(cardPresentInput({ method: { type: 'cash' } })).methodText).toBe('Cash');
    expect(buildReceipt(cardPresentInput({ method: { type: 'check', checkNumber: '1234' } })).methodText).toBe('Check #1234');
    expect(buildReceipt(cardPresentInput({ status: 'refunded' })).statusText).toBe('Refunded');
    expect(buildReceipt(cardPresentInput({ status: 'failed' })).statusText).toBe('Failed');
  });

  it('rejects invalid input at the boundary with the field named', () => {
    const bad = (over: Partial<ReceiptInput>) => () => buildReceipt(cardPresentInput(over));
    expect(bad({ amount: { amount: 12.5, currency: 'usd' } })).toThrowError(/amount/);
    expect(bad({ station: { id: 'x', intlLocale: 'en-US', timeZone: 'Mars/Olympus' } })).toThrowError(/time zone/);
    expect(bad({ customerName: 'line\nbreak' })).toThrowError(AppError);
    expect(bad({ method: { type: 'card', brand: 'visa', last4: '42' } })).toThrowError(/last 4/);
  });
});

describe('a card number in any field is refused', () => {
  const cases: [string, Partial<ReceiptInput> | ((i: ReceiptInput) => unknown)][] = [
    ['customer name', { customerName: 'Jordan 4242 4242 4242 4242' }],
    ['staff name', { staffName: '4000056655665556' }],
    ['invoice number', { invoiceNumbers: ['INV-1', '5555-5555-5555-4444'] }],
    ['business address', { business: { name: 'Riverside', addressLines: ['378282246310005'] } }],
    ['confirmation id', { confirmationId: 'pi_4242424242424242' }],
    ['station id', { station: { id: '6011 1111 1111 1117', intlLocale: 'en-US', timeZone: 'UTC' } }],
    ['last 4 that is a whole card number', (i) => ({ ...i, method: { type: 'card', brand: 'visa', last4: '4242424242424242' } })],
    [
      'an EMV field',
      (i) => ({ ...i, method: { type: 'card_present', last4: '4242', emv: { application_preferred_name: '4111 1111 1111 1111' } } }),
    ],
    ['a field the model does not know', (i) => ({ ...i, notes: 'card 5105105105105100' })],
  ];
  it.each(cases)('%s', (_name, change) => {
    const input = typeof change === 'function' ? change(cardPresentInput()) : cardPresentInput(change);
    let error: unknown;
    try {
      buildReceipt(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_request');
    expect((error as AppError).reason).toBe('receipt_has_card_number');
  });

  it('does not mistake EMV AIDs, millisecond timestamps or phone numbers for card numbers', () => {
    expect(containsPan('A0000000031010')).toBe(false);
    expect(containsPan('queue_1714575840000')).toBe(false);
    expect(containsPan('+1 (217) 555-0142')).toBe(false);
    expect(containsPan('4242-4242-4242-4242')).toBe(true);
    expect(() => buildReceipt(cardPresentInput({ confirmationId: 'queue_1714575840000' }))).not.toThrow();
  });
});

describe('ESC/POS to a network printer', () => {
  it('prints a card-present receipt: ESC @ first, amount, last 4, confirmation, EMV, cut at the end', async () => {
    const printer = await fakePrinter(0x12); // paper OK
    const result = await new NetworkPrinter({ host: '127.0.0.1', port: printer.port, statusTimeoutMs: 500 }).send(
      renderEscPos(buildReceipt(cardPresentInput())),
    );
    expect(result).toEqual({ ok: true });
    await printer.closed();
    const job = printer.job();
    expect(printer.statusQueries()).toBe(1);
    expect([...job.subarray(0, 2)]).toEqual([0x1b, 0x40]); // ESC @
    for (const text of [
      '$125.50',
      '4242',
      'pi_3PqRsT2eZvKYlo2C1aBcDeFg',
      'Riverside Billing Co.',
      'Dana Ortiz',
      ...EMV_VALUES,
      'Chip',
      '123456',
    ])
      expect(includes(job, text), text).toBe(true);
    expect(includes(job, 'TRAINING')).toBe(false);
    // GS V 66 0 (feed and cut), then the GS r 1 status request receiptline appends so the printer
    // tells us when it has worked through the job.
    expect([...job.subarray(-7)]).toEqual([0x1d, 0x56, 0x42, 0x00, 0x1d, 0x72, 0x31]);
  });

  it('marks training receipts, top and bottom', () => {
    const bytes = renderEscPos(buildReceipt(cardPresentInput({ training: true })));
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.split('TRAINING').length - 1).toBe(2);
    expect(text).toContain('NOT A REAL PAYMENT');
  });

  it('prints when the printer does not answer the status query (status unknown)', async () => {
    const printer = await fakePrinter(undefined);
    const started = Date.now();
    const result = await new NetworkPrinter({ host: '127.0.0.1', port: printer.port, statusTimeoutMs: 150 }).send(
      renderEscPos(buildReceipt(cardPresentInput())),
    );
    expect(result).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await printer.closed();
    expect([...printer.job().subarray(0, 2)]).toEqual([0x1b, 0x40]);
  });

  it('reports a printer that refuses connections as offline, without throwing', async () => {
    const port = await portWithNothingListening();
    const result = await new NetworkPrinter({ host: '127.0.0.1', port }).send(Uint8Array.of(0x1b, 0x40));
    expect(result).toEqual({ ok: false, code: 'printer_offline', message: 'The receipt printer is off or not connected' });
  });

  it('reports a printer that accepts but never reads as a timeout, within the configured time', async () => {
    const port = await deafPrinter();
    const started = Date.now();
    const result = await new NetworkPrinter({ host: '127.0.0.1', port, statusTimeoutMs: 100, writeTimeoutMs: 300 }).send(
      renderEscPos(buildReceipt(cardPresentInput())),
    );
    const took = Date.now() - started;
    expect(result).toEqual({ ok: false, code: 'printer_timeout', message: 'The receipt printer did not answer' });
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(2_000);
  });

  it('reports out of paper from the DLE EOT 4 paper sensor and prints nothing', async () => {
    const printer = await fakePrinter(0x12 | 0x60); // paper end bits 5 and 6
    const result = await new NetworkPrinter({ host: '127.0.0.1', port: printer.port }).send(renderEscPos(buildReceipt(cardPresentInput())));
    expect(result).toMatchObject({ ok: false, code: 'out_of_paper' });
    expect((result as { message: string }).message).toMatch(/out of paper/);
    await printer.closed();
    expect(printer.statusQueries()).toBe(1);
    expect(printer.job().length).toBe(0);
  });

  it('reads the paper sensor byte by the book', () => {
    expect(parsePaperStatus(0x12)).toBe('ok');
    expect(parsePaperStatus(0x1e)).toBe('near_end');
    expect(parsePaperStatus(0x72)).toBe('out_of_paper');
    expect(parsePaperStatus(0x7e)).toBe('out_of_paper');
    expect(parsePaperStatus(0x00)).toBe('unknown');
    expect(parsePaperStatus(undefined)).toBe('unknown');
  });
});

describe('Spanish receipts', () => {
  const r = buildReceipt(cardPresentInput({ locale: 'es', staffName: null, training: true }));
  it('uses Spanish labels everywhere', () => {
    expect(r.statusText).toBe('Aprobado');
    const doc = receiptDocument(r);
    for (const label of [
      'Fecha',
      'Quiosco',
      'Estación',
      'Cliente',
      'Facturas',
      'Importe',
      'Pagado con',
      'Aprobado',
      'Confirmación',
      'ENTRENAMIENTO',
    ])
      expect(doc).toContain(label);
    expect(doc).not.toContain('Approved');
    const bytes = renderEscPos(r);
    for (const label of ['Fecha', 'Importe', 'Pagado con', 'Aprobado', 'ENTRENAMIENTO']) expect(includes(bytes, label), label).toBe(true);
    expect(renderHtml(r)).toContain('Confirmación');
    expect(renderHtml(r)).toContain('lang="es"');
  });
});

describe('HTML for the operating-system printer', () => {
  it('escapes every text, e.g. <script> in a customer name, and loads nothing from outside', () => {
    const html = renderHtml(buildReceipt(cardPresentInput({ customerName: '<script>alert("x")</script> & Co' })));
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('80mm');
    expect(html).not.toMatch(/\b(src|href)=|url\(|@import/);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:/);
    expect(html).toContain("default-src 'none'");
  });

  it('carries the training and reprint marks', () => {
    const html = renderHtml(buildReceipt(cardPresentInput({ training: true, reprint: true })));
    expect(html).toContain('TRAINING — NOT A REAL PAYMENT');
    expect(html).toContain('REPRINT');
    expect(renderHtml(buildReceipt(cardPresentInput()))).not.toContain('TRAINING');
  });
});

describe('PDF', () => {
  it('is a PDF with the receipt text and the training mark, Helvetica only', async () => {
    const pdf = await renderPdf(buildReceipt(cardPresentInput({ training: true })), { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const t of [
      'Riverside Billing Co.',
      '$125.50',
      'Visa **** 4242',
      'pi_3PqRsT2eZvKYlo2C1aBcDeFg',
      'TRAINING — NOT A REAL PAYMENT',
      ...EMV_VALUES,
    ])
      expect(text, t).toContain(t);
    const fonts = [...pdf.toString('latin1').matchAll(/\/BaseFont \/(\S+)/g)].map((m) => m[1]);
    expect(new Set(fonts)).toEqual(new Set(['Helvetica', 'Helvetica-Bold', 'Courier']));
    // 80 mm wide page
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 226\.77\d* /);
  });

  it('compresses by default', async () => {
    const pdf = await renderPdf(buildReceipt(cardPresentInput()));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/FlateDecode');
    expect(pdfText(pdf)).not.toContain('$125.50');
  });
});

describe('ReceiptsService', () => {
  const settings =
    (printer: ReceiptSettings['printer']): (() => ReceiptSettings) =>
    () => ({
      printer,
      locale: 'en-US',
      timeZone: 'America/Chicago',
    });
  const clock = { now: () => Date.UTC(2025, 4, 2, 14, 30) };

  it('builds with the station locale and time zone from the settings and prints on the network printer', async () => {
    const printer = await fakePrinter(0x12);
    const service = new ReceiptsService({
      escpos: networkPrinterPort({ statusTimeoutMs: 300 }),
      clock,
      settings: settings({ kind: 'network', host: '127.0.0.1', port: printer.port }),
    });
    const { station: _s, ...rest } = cardPresentInput();
    const receipt = service.build({ ...rest, station: { id: 'front-desk-1' } });
    expect(receipt.dateTime).toBe('May 1, 2025, 10:04 AM');
    expect(await service.print(receipt)).toEqual({ ok: true });
    await printer.closed();
    expect(includes(printer.job(), '$125.50')).toBe(true);
    expect(includes(printer.job(), 'REPRINT')).toBe(false);

    expect(await service.reprint(receipt)).toEqual({ ok: true });
    await printer.closed();
    expect(includes(printer.job(), 'REPRINT')).toBe(true);
    expect(includes(printer.job(), 'May 2, 2025, 9:30 AM')).toBe(true); // when the reprint was made
  });

  it('returns the printer failure for the caller to queue, and never throws', async () => {
    const port = await portWithNothingListening();
    const service = new ReceiptsService({
      escpos: networkPrinterPort(),
      clock,
      settings: settings({ kind: 'network', host: '127.0.0.1', port }),
    });
    const receipt = buildReceipt(cardPresentInput());
    expect(await service.print(receipt)).toMatchObject({ ok: false, code: 'printer_offline' });

    const throwing = new ReceiptsService({
      escpos: () => Promise.reject(new Error('socket exploded')),
      clock,
      settings: settings({ kind: 'network', host: '127.0.0.1', port }),
    });
    expect(await throwing.print(receipt)).toMatchObject({ ok: false, code: 'print_failed' });
    expect(
      await new ReceiptsService({ escpos: networkPrinterPort(), clock, settings: settings({ kind: 'none' }) }).print(receipt),
    ).toMatchObject({
      ok: false,
      code: 'no_printer',
    });
  });

  it('sends HTML to the OS printer port and a PDF to the e-mail port', async () => {
    const sent: { html?: string; device?: string; to?: string; subject?: string; text?: string; filename?: string; pdf?: Buffer } = {};
    const ok: PrintResult = { ok: true };
    const service = new ReceiptsService({
      escpos: networkPrinterPort(),
      os: async (html, device) => (Object.assign(sent, { html, device }), ok),
      email: async ({ to, subject, text, filename, pdf }) => (Object.assign(sent, { to, subject, text, filename, pdf }), ok),
      clock,
      settings: settings({ kind: 'os', deviceName: 'Front desk' }),
    });
    const receipt = buildReceipt(cardPresentInput());
    expect(await service.print(receipt)).toEqual(ok);
    expect(sent.device).toBe('Front desk');
    expect(sent.html).toContain('$125.50');
    expect(await service.email(receipt, 'jordan@example.com')).toEqual(ok);
    expect(sent.subject).toBe('Payment receipt — Riverside Billing Co.');
    expect(sent.text).toContain('Riverside Billing Co.');
    expect(sent.text).toContain('$125.50');
    expect(sent.text).toContain(receipt.confirmationId);
    expect(sent.text).not.toMatch(/TRAINING/);
    expect(sent.filename).toBe(`receipt-${receipt.confirmationId}.pdf`);
    expect(sent.pdf?.subarray(0, 4).toString()).toBe('%PDF');
    expect((await service.pdf(receipt)).subarray(0, 4).toString()).toBe('%PDF');
    expect(service.preview(receipt)).toContain('<svg');
    expect(renderSvg(receipt)).not.toContain('googleapis');
  });
});
