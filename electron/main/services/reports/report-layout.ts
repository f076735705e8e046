/**
 * The end-of-day report laid out for the receipt printer: a ReceiptLine document for an 80 mm roll
 * (→ ESC/POS for the network thermal printer, through receiptline like receipts) and a simple,
 * self-contained HTML page for the operating-system printer. Both show the same things as the
 * screen and the PDF: business, station (or all stations), day and time zone, when it was printed,
 * the totals, refunds and net, and the tallies by method, staff member and status, the notes, and
 * the training mark in training mode. Wording is English, like the PDF and the CSV.
 */
import type { DeskReport } from '../../../shared/contract-desk';
import { formatMoney } from '../../../shared/money';
import { escapeText, escposBytes, RECEIPT_CPL } from '../receipts/escpos';
import { escapeHtml } from '../receipts/html';

/** What the report itself does not say: who prints it, when and in which mode. */
export interface ReportPrintHead {
  businessName: string;
  /** BCP 47 locale for money and dates, e.g. "en-US". */
  intlLocale: string;
  /** Unix ms when printed. */
  printedAt: number;
  training: boolean;
}

export const REPORT_LABELS = {
  title: 'End-of-day report',
  station: 'Station',
  allStations: 'All stations',
  date: 'Date',
  timeZone: 'Time zone',
  printed: 'Printed',
  totals: 'Totals',
  count: 'Count',
  amount: 'Amount',
  taken: 'Taken',
  refunds: 'Refunds',
  net: 'Net',
  byMethod: 'By method',
  byStaff: 'By staff',
  byStatus: 'By status',
  training: 'TRAINING — NOT REAL PAYMENTS',
  methods: { card: 'Card (kiosk)', card_present: 'Card on reader', us_bank_account: 'Bank account (ACH)', cash: 'Cash', check: 'Check' },
  statuses: { succeeded: 'Succeeded', processing: 'Processing', queued: 'Queued', failed: 'Failed', refunded: 'Refunded' },
} as const;

/** Intl puts narrow/no-break spaces in times and amounts; printers want plain ones. */
const plain = (s: string): string => s.replace(/[\u00a0\u202f\u2009]/g, ' ');

interface Table {
  title: string;
  rows: { label: string; count: number | null; amount: string; strong?: boolean }[];
}

/** Everything both layouts print, as text, in print order. */
export interface ReportPage {
  business: string;
  title: string;
  training: string | null;
  head: [label: string, value: string][];
  tables: Table[];
  notes: string[];
}

export function reportPage(r: DeskReport, h: ReportPrintHead): ReportPage {
  const L = REPORT_LABELS;
  const money = (n: number) => plain(formatMoney(n, r.currency, h.intlLocale));
  const [y, m, d] = r.date.split('-').map(Number) as [number, number, number];
  const day = plain(new Intl.DateTimeFormat(h.intlLocale, { dateStyle: 'full', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d)));
  const printed = plain(
    new Intl.DateTimeFormat(h.intlLocale, { dateStyle: 'medium', timeStyle: 'short', timeZone: r.timeZone }).format(h.printedAt),
  );
  return {
    business: h.businessName,
    title: L.title,
    training: h.training ? L.training : null,
    head: [
      [L.station, r.scope === 'office' ? L.allStations : r.stationId],
      [L.date, day],
      [L.timeZone, r.timeZone],
      [L.printed, printed],
    ],
    tables: [
      {
        title: L.totals,
        rows: [
          { label: L.taken, count: r.total.count, amount: money(r.total.amount) },
          { label: L.refunds, count: r.refunds.count, amount: money(r.refunds.amount) },
          { label: L.net, count: null, amount: money(r.net), strong: true },
        ],
      },
      { title: L.byMethod, rows: r.byMethod.map((x) => ({ label: L.methods[x.method], count: x.count, amount: money(x.amount) })) },
      { title: L.byStaff, rows: r.byStaff.map((x) => ({ label: x.name, count: x.count, amount: money(x.amount) })) },
      { title: L.byStatus, rows: r.byStatus.map((x) => ({ label: L.statuses[x.status], count: x.count, amount: money(x.amount) })) },
    ],
    notes: r.notes,
  };
}

const COUNT_WIDTH = 6;
const AMOUNT_WIDTH = 13;
const HEAD_WIDTH = 11;
/** The label column of a table: what the count and amount columns and the two spaces between leave. */
const LABEL_WIDTH = RECEIPT_CPL - COUNT_WIDTH - AMOUNT_WIDTH - 2;

/** Breaks text into lines of at most `width` characters at spaces (receiptline itself breaks inside words). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** The ReceiptLine document (80 mm, Font A, 42 characters a line). Exposed for tests. */
export function reportDocument(r: DeskReport, h: ReportPrintHead): string {
  const page = reportPage(r, h);
  const e = escapeText;
  const mark = page.training ? [`\`"${e(page.training)}`] : [];
  const lines: string[] = [
    '{border:space; width:auto; text:wrap}',
    page.business.length <= RECEIPT_CPL / 2 ? `^^^${e(page.business)}` : `"${e(page.business)}`,
    `"${e(page.title)}`,
    ...mark,
    '-',
    `{width:${HEAD_WIDTH},*}`,
    ...page.head.map(([label, value]) => `${e(label)} | ${e(value)}`),
  ];
  for (const t of page.tables) {
    lines.push(
      '{width:auto}',
      '-',
      `{width:*,${COUNT_WIDTH},${AMOUNT_WIDTH}}`,
      `"${e(t.title)} | "${e(REPORT_LABELS.count)}| "${e(REPORT_LABELS.amount)}`,
    );
    for (const row of t.rows) {
      const b = row.strong ? '"' : '';
      const [first = '', ...rest] = wrapWords(row.label, LABEL_WIDTH);
      lines.push(`${b}${e(first)} | ${row.count === null ? '' : `${b}${row.count}`}| ${b}${e(row.amount)}`);
      for (const more of rest) lines.push(`${b}${e(more)} | | `);
    }
  }
  // "|text": left-aligned.
  if (page.notes.length > 0)
    lines.push('{width:auto}', '-', ...page.notes.flatMap((n) => wrapWords(n, RECEIPT_CPL).map((l) => `|${e(l)}`)));
  lines.push('{width:auto}', '-', ...mark, '');
  return lines.join('\n');
}

/** ESC/POS bytes for the network thermal printer (ends with a paper cut, like a receipt). */
export function renderReportEscPos(r: DeskReport, h: ReportPrintHead): Uint8Array {
  return escposBytes(reportDocument(r, h));
}

const CSS = `
@page { size: 80mm auto; margin: 0; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body { width: 80mm; font: 9.5pt/1.35 Helvetica, Arial, sans-serif; }
main { padding: 4mm 4mm 6mm; }
h1 { font-size: 14pt; margin: 0 0 1mm; text-align: center; }
.title { font-weight: 700; text-align: center; }
.mark { border: 2px solid #000; font-weight: 700; text-align: center; padding: 1mm; margin: 2mm 0; }
hr { border: 0; border-top: 1px dashed #000; margin: 2.5mm 0; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: .3mm 0; vertical-align: top; }
th { text-align: left; }
td.num, th.num { text-align: right; padding-left: 2mm; white-space: nowrap; }
.head th { font-weight: normal; padding-right: 2mm; white-space: nowrap; }
.head td { text-align: right; }
tr.strong td, tr.strong th { font-weight: 700; }
.notes { font-size: 8.5pt; margin: 0; padding-left: 4mm; }
`;

/** The report as one self-contained HTML page for the OS printer (no scripts, no outside resources). */
export function renderReportHtml(r: DeskReport, h: ReportPrintHead): string {
  const page = reportPage(r, h);
  const e = escapeHtml;
  const mark = page.training ? `<div class="mark">${e(page.training)}</div>` : '';
  const table = (t: Table) =>
    `<table><thead><tr><th scope="col">${e(t.title)}</th><th scope="col" class="num">${e(REPORT_LABELS.count)}</th><th scope="col" class="num">${e(REPORT_LABELS.amount)}</th></tr></thead><tbody>` +
    t.rows
      .map(
        (row) =>
          `<tr${row.strong ? ' class="strong"' : ''}><th scope="row">${e(row.label)}</th><td class="num">${row.count ?? ''}</td><td class="num">${e(row.amount)}</td></tr>`,
      )
      .join('') +
    '</tbody></table>';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${e(page.title)} ${e(r.date)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    `<h1>${e(page.business)}</h1>`,
    `<div class="title">${e(page.title)}</div>`,
    mark,
    '<hr>',
    `<table class="head">${page.head.map(([label, value]) => `<tr><th scope="row">${e(label)}</th><td>${e(value)}</td></tr>`).join('')}</table>`,
    ...page.tables.flatMap((t) => ['<hr>', table(t)]),
    page.notes.length > 0 ? `<hr><ul class="notes">${page.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : '',
    mark ? `<hr>${mark}` : '',
    '</main></body></html>',
  ].join('\n');
}
