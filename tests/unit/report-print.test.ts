/**
 * The end-of-day report's printout: the OS printer path (Electron's silent print of the report's HTML;
 * the Electron runtime cannot run here, so 'electron' is a fake, named as such), the answers for each
 * printer problem, the training mark, and word wrapping on the 80 mm roll.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskReport } from '../../electron/shared/contract-desk';
import { osPrinterPort } from '../../electron/main/app/os-printer';
import type { AuditInput } from '../../electron/main/services/audit/audit-log';
import { printFailure, type PrintResult } from '../../electron/main/services/receipts/print-result';
import { ReceiptsService, type PrinterSetting } from '../../electron/main/services/receipts/receipts-service';
import { renderReportHtml, reportDocument, wrapWords } from '../../electron/main/services/reports/report-layout';
import { ReportPrinter } from '../../electron/main/services/reports/report-printer';

interface FakeWindow {
  loaded: string[];
  printOptions: Record<string, unknown>[];
  closed: boolean;
}
const windows: FakeWindow[] = [];
let printOutcome: [boolean, string] = [true, ''];

vi.mock('electron', () => ({
  BrowserWindow: class {
    private readonly record: FakeWindow = { loaded: [], printOptions: [], closed: false };
    readonly webContents = {
      print: (opts: Record<string, unknown>, cb: (success: boolean, reason: string) => void) => {
        this.record.printOptions.push(opts);
        setTimeout(() => cb(...printOutcome), 1);
      },
    };
    constructor() {
      windows.push(this.record);
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return this.record.closed;
    }
    close() {
      this.record.closed = true;
    }
  },
}));

const REPORT: DeskReport = {
  date: '2025-05-02',
  scope: 'office',
  stationId: 'station-1',
  timeZone: 'America/Chicago',
  currency: 'usd',
  from: 0,
  to: 0,
  total: { count: 3, amount: 4575 },
  refunds: { count: 1, amount: 500 },
  net: 4075,
  byMethod: [
    { method: 'card_present', count: 1, amount: 2300 },
    { method: 'cash', count: 2, amount: 2275 },
  ],
  byStaff: [{ staffId: 'st_1', name: 'Ana <b>Manager</b>', count: 3, amount: 4575 }],
  byStatus: [{ status: 'succeeded', count: 3, amount: 4575 }],
  notes: ['Payments another station has not sent to Stripe yet appear once it sends them.'],
};
const clock = { now: () => Date.UTC(2025, 4, 2, 23, 15) };

function printerWith(
  printer: PrinterSetting,
  ports: { escpos?: (b: Uint8Array) => Promise<PrintResult>; os?: (html: string, deviceName?: string) => Promise<PrintResult> },
  trainingMode = false,
) {
  const audits: AuditInput[] = [];
  const receipts = new ReceiptsService({
    escpos: ports.escpos ?? (() => Promise.reject(new Error('no network printer in this test'))),
    ...(ports.os ? { os: ports.os } : {}),
    clock,
    settings: () => ({ printer, locale: 'en-US', timeZone: 'America/Chicago' }),
  });
  const service = new ReportPrinter({
    build: () => Promise.resolve(REPORT),
    print: (doc) => receipts.printDocument(doc),
    audit: { record: (e) => audits.push(e) },
    clock,
    trainingMode,
    businessName: () => 'City Utilities Billing',
    intlLocale: () => 'en-US',
  });
  return { service, audits };
}

beforeEach(() => {
  windows.length = 0;
  printOutcome = [true, ''];
});

describe('the report on the OS printer', () => {
  it('prints the report’s HTML silently on the named printer, escaped, with the totals', async () => {
    const { service, audits } = printerWith({ kind: 'os', deviceName: 'Back office' }, { os: osPrinterPort });
    expect(await service.print('2025-05-02', 'office', 'st_1')).toEqual({ printed: true, problem: null, message: null });
    expect(windows).toHaveLength(1);
    expect(windows[0]!.printOptions[0]).toMatchObject({ silent: true, deviceName: 'Back office' });
    expect(windows[0]!.closed).toBe(true);
    const html = decodeURIComponent(windows[0]!.loaded[0]!.replace(/^data:text\/html;charset=utf-8,/, ''));
    expect(html).toContain('<h1>City Utilities Billing</h1>');
    expect(html).toContain('<td>All stations</td>');
    expect(html).toContain('<td>Friday, May 2, 2025</td>');
    expect(html).toContain('<td>May 2, 2025, 6:15 PM</td>'); // printed at, in the report's time zone
    expect(html).toMatch(/<th scope="row">Taken<\/th><td class="num">3<\/td><td class="num">\$45\.75<\/td>/);
    expect(html).toMatch(/<tr class="strong"><th scope="row">Net<\/th><td class="num"><\/td><td class="num">\$40\.75<\/td>/);
    expect(html).toContain('Ana &lt;b&gt;Manager&lt;/b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/TRAINING/);
    expect(html).not.toMatch(/<script|https?:/i);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'report.printed',
        staffId: 'st_1',
        subjectId: '2025-05-02',
        amount: 4575,
        detail: { scope: 'office' },
      }),
    ]);
  });

  it('the OS printer’s own failure reason, worded for the report', async () => {
    printOutcome = [false, 'Printer is out of order'];
    const { service, audits } = printerWith({ kind: 'os' }, { os: osPrinterPort });
    const answer = await service.print('2025-05-02', 'station', 'st_1');
    expect(answer).toEqual({
      printed: false,
      problem: 'print_failed',
      message:
        'The report could not be printed (Printer is out of order). The report was not queued: press Print again when the printer is ready, or download the PDF.',
    });
    expect(audits[0]).toMatchObject({ action: 'report.print_failed', detail: { scope: 'station', problem: 'print_failed' } });
  });

  it('an OS printer setting where there is no OS printer port (plain Node): no printer', async () => {
    const { service } = printerWith({ kind: 'os' }, {});
    expect(await service.print('2025-05-02', 'station', 'st_1')).toMatchObject({
      printed: false,
      problem: 'no_printer',
      message: expect.stringMatching(/PDF/),
    });
  });
});

describe('printer problems on the network printer', () => {
  it.each([
    ['printer_timeout', /^The receipt printer did not answer\. The report was not queued/],
    ['out_of_paper', /^The receipt printer is out of paper\. The report was not queued/],
    ['printer_offline', /^The receipt printer is off or not connected\. The report was not queued/],
  ] as const)('%s', async (code, message) => {
    const { service } = printerWith(
      { kind: 'network', host: '127.0.0.1', port: 9100 },
      { escpos: () => Promise.resolve(printFailure(code)) },
    );
    const answer = await service.print('2025-05-02', 'station', 'st_1');
    expect(answer).toMatchObject({ printed: false, problem: code });
    expect(answer.message).toMatch(message);
  });

  it('a port that throws is a failed print with its reason, not an error', async () => {
    const { service } = printerWith(
      { kind: 'network', host: '127.0.0.1', port: 9100 },
      { escpos: () => Promise.reject(new Error('socket exploded')) },
    );
    expect((await service.print('2025-05-02', 'station', 'st_1')).message).toMatch(
      /^The report could not be printed: socket exploded\. The report was not queued/,
    );
  });
});

describe('the 80 mm layout', () => {
  it('marks training mode at the top and the bottom, and only then', () => {
    const head = { businessName: 'City Utilities Billing', intlLocale: 'en-US', printedAt: clock.now() };
    const training = reportDocument(REPORT, { ...head, training: true });
    expect(training.split('\n').filter((l) => l.includes('TRAINING'))).toHaveLength(2);
    expect(reportDocument(REPORT, { ...head, training: false })).not.toContain('TRAINING');
    expect(renderReportHtml(REPORT, { ...head, training: true }).match(/class="mark">TRAINING — NOT REAL PAYMENTS</g)).toHaveLength(2);
  });

  it('wraps at spaces, and breaks only words longer than the line', () => {
    expect(wrapWords('Payments another station has not sent', 20)).toEqual(['Payments another', 'station has not sent']);
    expect(wrapWords('abcdefghijklmnopqrstuvwxyz end', 10)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz end']);
    expect(wrapWords('', 10)).toEqual(['']);
  });
});
