/**
 * The cash drawer's close report, laid out like the end-of-day report: a ReceiptLine document for the
 * 80 mm roll (→ ESC/POS through receiptline), a self-contained HTML page for the OS printer, and a
 * PDF (pdfkit). English wording, the station's formats for money and times.
 *
 * The drawer-kick pulse is the one printer command receiptline does not make: ESC p m t1 t2 (Epson
 * ESC/POS "Generate pulse": pin 2, on 25 × 2 ms, off 250 × 2 ms), the values every ESC/POS printer
 * with a drawer port accepts. The close report's job starts with it, so the drawer opens to take
 * the cash out.
 */
import PDFDocument from 'pdfkit';
import { DRAWER_DENOMINATIONS, denominationKey, type DrawerView } from '../../../shared/contract-drawer';
import { formatMoney } from '../../../shared/money';
import { escapeText, escposBytes, RECEIPT_CPL } from '../receipts/escpos';
import { escapeHtml } from '../receipts/html';
import { wrapWords } from '../reports/report-layout';

/** ESC p 0 25 250: a pulse on the drawer-kick connector pin 2. */
export const DRAWER_KICK = Uint8Array.of(0x1b, 0x70, 0x00, 0x19, 0xfa);

export interface DrawerReportHead {
  businessName: string;
  intlLocale: string;
  timeZone: string;
  printedAt: number;
  training: boolean;
}

export const DRAWER_LABELS = {
  title: 'Cash drawer close',
  station: 'Station',
  opened: 'Opened',
  closed: 'Closed',
  openedBy: 'Opened by',
  closedBy: 'Closed by',
  approvedBy: 'Approved by',
  printed: 'Printed',
  float: 'Float',
  cashSales: 'Cash payments',
  tendered: 'Cash handed over',
  change: 'Change given',
  paidIn: 'Paid in',
  paidOut: 'Paid out',
  noSales: 'No sale',
  cash: 'Cash',
  checks: 'Checks',
  expected: 'Expected',
  counted: 'Counted',
  variance: 'Variance',
  count: 'Count',
  bill: 'bill',
  coin: 'coin',
  training: 'TRAINING — NOT REAL MONEY',
} as const;

const plain = (s: string): string => s.replace(/[\u00a0\u202f\u2009]/g, ' ');

interface Page {
  business: string;
  training: string | null;
  head: [string, string][];
  sessions: [string, string][];
  tenders: { title: string; rows: [string, string][] }[];
  counts: [string, string, string][];
  moves: string[];
}

export function drawerPage(d: DrawerView, h: DrawerReportHead): Page {
  const L = DRAWER_LABELS;
  const money = (n: number) => plain(formatMoney(n, d.currency, h.intlLocale));
  const signed = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${money(n)}`);
  const time = (ms: number) =>
    plain(new Intl.DateTimeFormat(h.intlLocale, { dateStyle: 'medium', timeStyle: 'short', timeZone: h.timeZone }).format(ms));
  const clock = (ms: number) => plain(new Intl.DateTimeFormat(h.intlLocale, { timeStyle: 'short', timeZone: h.timeZone }).format(ms));
  const head: [string, string][] = [
    [L.station, d.stationId],
    [L.opened, time(d.openedAt)],
    [L.openedBy, d.openedBy ?? '—'],
  ];
  if (d.closedAt !== null) head.push([L.closed, time(d.closedAt)], [L.closedBy, d.closedBy ?? '—']);
  if (d.approvedBy) head.push([L.approvedBy, d.approvedBy]);
  head.push([L.printed, time(h.printedAt)]);
  const counts: [string, string, string][] = [];
  for (const den of DRAWER_DENOMINATIONS) {
    const n = d.counts?.[denominationKey(den)] ?? 0;
    if (n > 0) counts.push([`${money(den.value)} ${den.kind === 'bill' ? L.bill : L.coin}`, String(n), money(n * den.value)]);
  }
  return {
    business: h.businessName,
    training: h.training ? L.training : null,
    head,
    sessions: [
      [L.float, money(d.float)],
      [`${L.cashSales} (${d.cashSales.count})`, money(d.cashSales.amount)],
      [L.tendered, money(d.tendered)],
      [L.change, money(d.changeGiven)],
      [L.paidIn, money(d.paidIn)],
      [L.paidOut, money(-d.paidOut)],
      [L.noSales, String(d.noSales)],
    ],
    tenders: [
      {
        title: L.cash,
        rows: [
          [L.expected, money(d.cash.expected)],
          [L.counted, d.cash.counted === null ? '—' : money(d.cash.counted)],
          [L.variance, signed(d.cash.variance)],
        ],
      },
      {
        title: `${L.checks} (${d.checks.count})`,
        rows: [
          [L.expected, money(d.check.expected)],
          [L.counted, d.check.counted === null ? '—' : money(d.check.counted)],
          [L.variance, signed(d.check.variance)],
        ],
      },
    ],
    counts,
    moves: d.moves
      .filter((m) => m.kind === 'paid_in' || m.kind === 'paid_out' || m.kind === 'no_sale')
      .map(
        (m) =>
          `${clock(m.at)} ${m.kind === 'no_sale' ? L.noSales : m.kind === 'paid_in' ? L.paidIn : L.paidOut}: ${m.kind === 'no_sale' ? '' : `${money(Math.abs(m.amount))} `}${m.reason ?? ''} (${m.staffName ?? ''})`,
      ),
  };
}

/** The ReceiptLine document (80 mm, 42 characters a line). Exposed for tests. */
export function drawerDocument(d: DrawerView, h: DrawerReportHead): string {
  const p = drawerPage(d, h);
  const e = escapeText;
  const mark = p.training ? [`\`"${e(p.training)}`] : [];
  const lines = [
    '{border:space; width:auto; text:wrap}',
    p.business.length <= RECEIPT_CPL / 2 ? `^^^${e(p.business)}` : `"${e(p.business)}`,
    `"${e(DRAWER_LABELS.title)}`,
    ...mark,
    '-',
    '{width:12,*}',
    ...p.head.map(([l, v]) => `${e(l)} | ${e(v)}`),
    '{width:auto}',
    '-',
    '{width:*,16}',
    ...p.sessions.map(([l, v]) => `${e(l)} | ${e(v)}`),
  ];
  for (const t of p.tenders) {
    lines.push(
      '{width:auto}',
      '-',
      `"${e(t.title)}`,
      '{width:*,16}',
      ...t.rows.map(([l, v]) => `${l === DRAWER_LABELS.variance ? '"' : ''}${e(l)} | ${e(v)}`),
    );
  }
  if (p.counts.length > 0) {
    lines.push(
      '{width:auto}',
      '-',
      `{width:*,6,14}`,
      `"${e(DRAWER_LABELS.counted)} | "${e(DRAWER_LABELS.count)}| "${e(DRAWER_LABELS.cash)}`,
    );
    lines.push(...p.counts.map(([l, n, v]) => `${e(l)} | ${n}| ${e(v)}`));
  }
  if (p.moves.length > 0) lines.push('{width:auto}', '-', ...p.moves.flatMap((m) => wrapWords(m, RECEIPT_CPL).map((l) => `|${e(l)}`)));
  lines.push('{width:auto}', '-', ...mark, '');
  return lines.join('\n');
}

/** The printer job: the kick pulse (the drawer opens to take the cash out), then the report with a paper cut. */
export function renderDrawerEscPos(d: DrawerView, h: DrawerReportHead): Uint8Array {
  const report = escposBytes(drawerDocument(d, h));
  const job = new Uint8Array(DRAWER_KICK.length + report.length);
  job.set(DRAWER_KICK, 0);
  job.set(report, DRAWER_KICK.length);
  return job;
}

export function renderDrawerHtml(d: DrawerView, h: DrawerReportHead): string {
  const p = drawerPage(d, h);
  const e = escapeHtml;
  const table = (rows: string[][]) =>
    `<table>${rows
      .map(
        (r) =>
          `<tr><th scope="row">${e(r[0]!)}</th>${r
            .slice(1)
            .map((c) => `<td>${e(c)}</td>`)
            .join('')}</tr>`,
      )
      .join('')}</table>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${e(DRAWER_LABELS.title)}</title>`,
    '<style>@page{size:80mm auto;margin:0}body{width:80mm;font:9.5pt/1.35 Helvetica,Arial,sans-serif;margin:0}main{padding:4mm}',
    'table{width:100%;border-collapse:collapse}th{text-align:left;font-weight:normal}td{text-align:right}hr{border:0;border-top:1px dashed #000}</style>',
    `</head><body><main><h1>${e(p.business)}</h1><p><strong>${e(DRAWER_LABELS.title)}</strong></p>`,
    p.training ? `<p><strong>${e(p.training)}</strong></p>` : '',
    '<hr>',
    table(p.head),
    '<hr>',
    table(p.sessions),
    ...p.tenders.flatMap((t) => ['<hr>', `<p><strong>${e(t.title)}</strong></p>`, table(t.rows)]),
    p.counts.length > 0 ? `<hr>${table(p.counts)}` : '',
    p.moves.length > 0 ? `<hr><ul>${p.moves.map((m) => `<li>${e(m)}</li>`).join('')}</ul>` : '',
    '</main></body></html>',
  ].join('\n');
}

export function drawerPdf(d: DrawerView, h: DrawerReportHead): Promise<Buffer> {
  const p = drawerPage(d, h);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: `${DRAWER_LABELS.title} ${d.id}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(16).text(p.business);
    doc.font('Helvetica').fontSize(12).text(DRAWER_LABELS.title);
    if (p.training) doc.font('Helvetica-Bold').text(p.training);
    doc.moveDown(0.5).font('Helvetica').fontSize(10);
    for (const [l, v] of [...p.head, ...p.sessions]) doc.text(`${l}: ${v}`);
    for (const t of p.tenders) {
      doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11).text(t.title).font('Helvetica').fontSize(10);
      for (const [l, v] of t.rows) doc.text(`${l}: ${v}`);
    }
    if (p.counts.length > 0) {
      doc.moveDown(0.5).font('Helvetica-Bold').text(DRAWER_LABELS.counted).font('Helvetica');
      for (const [l, n, v] of p.counts) doc.text(`${l} × ${n} = ${v}`);
    }
    if (p.moves.length > 0) doc.moveDown(0.5);
    for (const m of p.moves) doc.text(m);
    doc.end();
  });
}
