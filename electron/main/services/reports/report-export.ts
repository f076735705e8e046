/**
 * The end-of-day report as CSV (RFC 4180: CRLF lines, fields with a comma, quote or line break are
 * quoted and quotes doubled; cells that a spreadsheet would run as a formula, starting with = + - @
 * (or a tab / carriage return), get a leading apostrophe) and as a PDF (pdfkit, built-in fonts).
 */
import PDFDocument from 'pdfkit';
import type { DeskReport } from '../../../shared/contract-desk';
import { formatMoney } from '../../../shared/money';

/** One CSV cell, formula-injection-safe and RFC 4180 quoted. */
export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Minor units as a plain decimal ("1234.50"), no currency symbol, for spreadsheets. */
export function decimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function reportCsv(r: DeskReport): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'name', 'count', 'amount', 'currency']];
  const add = (section: string, key: string, name: string | null, count: number, amount: number) =>
    rows.push([section, key, name, count, decimal(amount), r.currency]);
  rows.push(['report', r.date, `${r.scope} ${r.stationId} (${r.timeZone})`, null, null, r.currency]);
  add('summary', 'total', null, r.total.count, r.total.amount);
  add('summary', 'refunds', null, r.refunds.count, r.refunds.amount);
  add('summary', 'net', null, r.total.count, r.net);
  for (const m of r.byMethod) add('method', m.method, null, m.count, m.amount);
  for (const s of r.byStaff) add('staff', s.staffId ?? 'kiosk', s.name, s.count, s.amount);
  for (const s of r.byStatus) add('status', s.status, null, s.count, s.amount);
  for (const n of r.notes) rows.push(['note', '', n, null, null, null]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function reportPdf(r: DeskReport, businessName: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: `End of day ${r.date}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const money = (n: number) => formatMoney(n, r.currency);
    doc.font('Helvetica-Bold').fontSize(16).text(businessName);
    doc.font('Helvetica').fontSize(11).text(`End-of-day report — ${r.date} (${r.timeZone})`);
    doc.text(r.scope === 'office' ? 'All stations' : `Station ${r.stationId}`).moveDown();
    const section = (title: string, rows: [string, number, number][]) => {
      doc.font('Helvetica-Bold').fontSize(12).text(title);
      doc.font('Helvetica').fontSize(10);
      for (const [label, count, amount] of rows) doc.text(`${label}: ${count} — ${money(amount)}`);
      doc.moveDown(0.6);
    };
    section('Summary', [
      ['Taken', r.total.count, r.total.amount],
      ['Refunds', r.refunds.count, r.refunds.amount],
      ['Net', r.total.count, r.net],
    ]);
    section(
      'By method',
      r.byMethod.map((m) => [m.method.replace(/_/g, ' '), m.count, m.amount]),
    );
    section(
      'By staff',
      r.byStaff.map((s) => [s.name, s.count, s.amount]),
    );
    section(
      'By status',
      r.byStatus.map((s) => [s.status, s.count, s.amount]),
    );
    for (const n of r.notes) doc.font('Helvetica-Oblique').fontSize(9).text(n);
    doc.end();
  });
}
