/**
 * The end-of-day report printed on the station's receipt printer: a network printer (a TCP listener on
 * loopback standing in for the physical one, tests/helpers/receipt-printer.ts) gets the report as an
 * ESC/POS job whose rows are the report's own totals for payments taken in this test (cash, and a
 * card on the training reader); no printer, a printer that is off or out of paper answer clearly and
 * nothing is queued; only managers print, and every attempt is audited.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../electron/shared/money';
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService, type Settings } from '../../electron/main/services/settings/settings-service';
import { startTestKiosk, type TestKiosk } from '../helpers/kiosk';
import { printedLines, printedRows, startTestPrinter, type TestPrinter } from '../helpers/receipt-printer';
import { until } from '../helpers/until';

let k: TestKiosk;
let printer: TestPrinter;
let readerId: string;
beforeAll(async () => {
  k = await startTestKiosk();
  printer = await startTestPrinter();
  await k.ok('mgr', 'deskCreateFirstManager', { name: 'Mia Manager', pin: '2468' });
  await k.kiosk.sync.runOnce();
  readerId = (await k.ok('mgr', 'deskReaders', {})).chosenReaderId!;
});
afterAll(async () => {
  await printer.off();
  await k.stop();
});

const setPrinter = (receiptPrinter: Settings['receiptPrinter']) => new SettingsService(createConfStore(k.dir)).update({ receiptPrinter });
const today = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
const usd = (cents: number) => formatMoney(cents, 'usd');
const openInvoice = async () =>
  (await k.stripe.invoices.list({ limit: 100, status: 'open' })).data.sort((a, b) => b.amount_remaining - a.amount_remaining)[0]!;
const auditActions = async () => (await k.ok('mgr', 'deskAudit', { limit: 50 })).entries.filter((e) => e.action.startsWith('report.print'));
/** The printed line that starts with `label` (a table row: [label, count, amount]). */
const line = (job: Buffer, label: string) => printedLines(job).find((l) => l[0] === label);

describe('printing the end-of-day report', () => {
  it('with no printer set up: a clear message to use the PDF, nothing printed or queued', async () => {
    const answer = await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'station' });
    expect(answer).toEqual({
      printed: false,
      problem: 'no_printer',
      message: expect.stringMatching(/^No receipt printer is set up at this station\. .*PDF/),
    });
    setPrinter({ kind: 'none', host: '', port: 9100 });
    expect(await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'station' })).toMatchObject({
      printed: false,
      problem: 'no_printer',
    });
    expect(printer.jobs).toHaveLength(0);
    expect((await k.ok('mgr', 'deskQueue', {})).items).toEqual([]);
    expect((await auditActions()).map((e) => [e.action, e.subjectId, JSON.parse(e.detail ?? '{}').problem])).toEqual([
      ['report.print_failed', today(), 'no_printer'],
      ['report.print_failed', today(), 'no_printer'],
    ]);
  });

  it('on the network printer: the rows are the report’s totals for the cash and the card taken here, marked TRAINING', async () => {
    const inv = await openInvoice();
    expect((await k.ok('mgr', 'deskRecordCash', { invoiceId: inv.id, amount: 1275 })).status).toBe('sent');
    const started = await k.ok('mgr', 'deskTakeCardPayment', { invoiceId: inv.id, customerId: inv.customer as string, amount: 2350 });
    await k.ok('mgr', 'deskPresentTestCard', { readerId, card: 'visa' });
    const paid = await until(async () => {
      const p = await k.ok('mgr', 'deskCardPayment', { paymentId: started.paymentId });
      return ['succeeded', 'failed'].includes(p.status) ? p : null;
    });
    expect(paid.status).toBe('succeeded');

    const report = await k.ok('mgr', 'deskReport', { date: today(), scope: 'station' });
    // Only this test's payments were taken at this station today.
    expect(report.total).toEqual({ count: 2, amount: 3625 });

    setPrinter({ kind: 'network', host: '127.0.0.1', port: printer.port });
    expect(await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'station' })).toEqual({
      printed: true,
      problem: null,
      message: null,
    });
    expect(printer.jobs).toHaveLength(1);
    const job = printer.jobs[0]!;
    const rows = printedRows(job);
    expect(rows.get('Station')).toBe('station-1');
    expect(rows.get('Time zone')).toBe('America/Chicago');
    expect(rows.get('Date')).toMatch(/\d{4}$/);
    expect(rows.get('Printed')).toMatch(/\d:\d\d [AP]M$/);
    expect(line(job, 'Taken')).toEqual(['Taken', '2', usd(report.total.amount)]);
    expect(line(job, 'Taken')).toEqual(['Taken', '2', '$36.25']);
    expect(line(job, 'Refunds')).toEqual(['Refunds', '0', '$0.00']);
    expect(line(job, 'Net')).toEqual(['Net', usd(report.net)]);
    expect(line(job, 'Cash')).toEqual(['Cash', '1', '$12.75']);
    expect(line(job, 'Card on reader')).toEqual(['Card on reader', '1', '$23.50']);
    expect(line(job, 'Check')).toEqual(['Check', '0', '$0.00']);
    expect(line(job, 'Mia Manager')).toEqual(['Mia Manager', '2', '$36.25']);
    expect(line(job, 'Succeeded')).toEqual(['Succeeded', '2', '$36.25']);
    const lines = printedLines(job);
    expect(lines[0]).toEqual(['City Utilities Billing']);
    expect(lines[1]).toEqual(['End-of-day report']);
    expect(lines.filter((l) => l[0] === 'TRAINING — NOT REAL PAYMENTS')).toHaveLength(2);
    // ESC @ first, a paper cut (GS V) at the end, like a receipt.
    expect([...job.subarray(0, 2)]).toEqual([0x1b, 0x40]);
    expect(job.includes(Buffer.from([0x1d, 0x56]))).toBe(true);

    const office = await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'office' });
    expect(office.printed).toBe(true);
    expect(printedRows(printer.jobs[1]!).get('Station')).toBe('All stations');
    const printed = (await auditActions()).filter((e) => e.action === 'report.printed');
    expect(printed.map((e) => [e.subjectId, e.staffName, JSON.parse(e.detail ?? '{}').scope])).toEqual([
      [today(), 'Mia Manager', 'office'],
      [today(), 'Mia Manager', 'station'],
    ]);
  });

  it('printer off: the receipt printer’s message, not queued; Print again works once it is back', async () => {
    const before = printer.jobs.length;
    await printer.off();
    const answer = await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'station' });
    expect(answer.printed).toBe(false);
    expect(answer.problem).toBe('printer_offline');
    expect(answer.message).toMatch(/^The receipt printer is off or not connected\. The report was not queued: press Print again/);
    expect((await k.ok('mgr', 'deskQueue', {})).items.filter((i) => i.kind === 'receipt_print')).toEqual([]);
    await printer.on();
    await k.kiosk.outbox.drain();
    expect(printer.jobs.length).toBe(before);
    expect((await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'station' })).printed).toBe(true);
    expect(printer.jobs.length).toBe(before + 1);
  });

  it('out of paper: said so, and nothing is printed', async () => {
    const sent: Buffer[] = [];
    const empty: Server = createServer((sock) => {
      sock.on('data', (c) => {
        sent.push(c);
        sock.write(Uint8Array.of(0x72)); // DLE EOT 4 answer: paper end
      });
    });
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    try {
      setPrinter({ kind: 'network', host: '127.0.0.1', port: (empty.address() as { port: number }).port });
      const answer = await k.ok('mgr', 'deskPrintReport', { date: today(), scope: 'station' });
      expect(answer).toMatchObject({ printed: false, problem: 'out_of_paper' });
      expect(answer.message).toMatch(/^The receipt printer is out of paper\. The report was not queued/);
      expect(Buffer.concat(sent)).toEqual(Buffer.from([0x10, 0x04, 0x04])); // only the status query
    } finally {
      await new Promise((resolve) => empty.close(resolve));
      setPrinter({ kind: 'network', host: '127.0.0.1', port: printer.port });
    }
  });

  it('is for managers only; a bad date is refused', async () => {
    await k.ok('mgr', 'deskAddStaff', { name: 'Cal Clerk', pin: '1111', role: 'clerk' });
    await k.ok('clerk', 'deskSignIn', { name: 'Cal Clerk', pin: '1111' });
    const before = printer.jobs.length;
    expect(await k.call('clerk', 'deskPrintReport', { date: today(), scope: 'station' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await k.call('walkup', 'deskPrintReport', { date: today(), scope: 'station' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await k.call('mgr', 'deskPrintReport', { date: 'today', scope: 'station' })).toMatchObject({
      ok: false,
      error: { field: 'date' },
    });
    expect(printer.jobs.length).toBe(before);
  });
});
