/**
 * The receipt as one self-contained HTML document for the operating-system printer: inline CSS,
 * 80 mm wide, no scripts, no external resources (its own CSP says so), every text HTML-escaped.
 */
import { qrSvg } from './qr';
import { receiptMarks, type Receipt, type ReceiptRow } from './receipt-model';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const CSS = `
@page { size: 80mm auto; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body { width: 80mm; font: 9.5pt/1.35 Helvetica, Arial, sans-serif; }
.receipt { width: 80mm; padding: 4mm 4mm 6mm; }
.center { text-align: center; }
h1 { font-size: 15pt; line-height: 1.15; margin: 0 0 1mm; }
.addr { font-size: 8.5pt; }
.title { font-weight: 700; margin-top: 2mm; }
.mark { border: 2px solid #000; font-weight: 700; text-align: center; padding: 1mm; margin: 2mm 0; letter-spacing: .02em; }
.reprint { font-weight: 700; text-align: center; margin: 1mm 0; }
hr { border: 0; border-top: 1px dashed #000; margin: 2.5mm 0; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-weight: normal; padding: .3mm 2mm .3mm 0; vertical-align: top; white-space: nowrap; }
td { text-align: right; padding: .3mm 0; overflow-wrap: anywhere; }
td.status { font-weight: 700; }
.amount th, .amount td { font-size: 15pt; font-weight: 700; padding: 1mm 0; }
.note { font-size: 8.5pt; text-align: right; }
.emv { font-size: 8pt; font-family: "Courier New", Courier, monospace; }
.qr { display: block; margin: 1.5mm auto; }
.conf { font-family: "Courier New", Courier, monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
.footer { margin-top: 3mm; font-size: 8.5pt; }
.footer strong { font-size: 10pt; }
`;

const rowsHtml = (rows: readonly ReceiptRow[]): string =>
  rows
    .map((r) => {
      const value = (r.lines && r.lines.length > 0 ? r.lines : [r.value]).map(escapeHtml).join('<br>');
      return `<tr><th>${escapeHtml(r.label)}</th><td${r.key === 'status' ? ' class="status"' : ''}>${value}</td></tr>`;
    })
    .join('');

export function renderHtml(receipt: Receipt): string {
  const marks = receiptMarks(receipt);
  const e = escapeHtml;
  const training = marks.training ? `<div class="mark">${e(marks.training)}</div>` : '';
  const parts = [
    '<!DOCTYPE html>',
    `<html lang="${receipt.locale}"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(marks.title)} ${e(receipt.confirmationId)}</title>`,
    `<style>${CSS}</style></head><body><main class="receipt">`,
    `<header class="center"><h1>${e(receipt.business.name)}</h1>`,
    `<div class="addr">${[...receipt.business.addressLines, ...(receipt.business.phone ? [receipt.business.phone] : [])].map(e).join('<br>')}</div>`,
    `<div class="title">${e(marks.title)}</div></header>`,
    training,
    marks.reprint ? `<div class="reprint">${e(marks.reprint)}</div>` : '',
    '<hr>',
    `<table class="details">${rowsHtml(receipt.details)}</table>`,
    '<hr>',
    `<table class="amount"><tr><th>${e(marks.amountLabel)}</th><td>${e(receipt.amount.text)}</td></tr></table>`,
    `<table class="payment">${rowsHtml(receipt.payment)}</table>`,
    receipt.statusNote ? `<div class="note">${e(receipt.statusNote)}</div>` : '',
    receipt.emv.length > 0 ? `<hr><table class="emv">${rowsHtml(receipt.emv)}</table>` : '',
    '<hr>',
    `<section class="center"><div>${e(marks.confirmationLabel)}</div>`,
    `<div class="qr">${qrSvg(receipt.confirmationId, '24mm')}</div>`,
    `<div class="conf">${e(receipt.confirmationId)}</div></section>`,
    `<footer class="center footer"><strong>${e(marks.footer[0] ?? '')}</strong><br>${marks.footer.slice(1).map(e).join('<br>')}</footer>`,
    training,
    '</main></body></html>',
  ];
  return parts.join('\n');
}
