/**
 * Receipt → ReceiptLine document → ESC/POS bytes (thermal printer) or SVG (on-screen preview).
 * Printer commands come from the receiptline library; nothing here writes printer commands by hand.
 */
import { transform, type Printer } from 'receiptline';
import { receiptMarks, type Receipt, type ReceiptRow } from './receipt-model';

/** 80 mm paper, Font A: 42 characters per line. */
export const RECEIPT_CPL = 42;
const LABEL_WIDTH = 14;

const ESCPOS: Printer = { cpl: RECEIPT_CPL, encoding: 'multilingual', command: 'escpos', cutting: true, spacing: false, gradient: false };
const SVG: Printer = { cpl: RECEIPT_CPL, encoding: 'multilingual', command: 'svg', spacing: true };

/** Escapes ReceiptLine's special characters in text (| { } - = ~ _ " ` ^ \). */
export const escapeText = (s: string): string => s.replace(/[\\|{}\-=~_"`^]/g, (c) => `\\${c}`);
/** Escapes a property value ({code:...}). */
const escapeProperty = (s: string): string => s.replace(/[\\|{};:]/g, (c) => `\\${c}`);

/** Label left, value right-aligned ("label |" attracts left, "| value" attracts right); lists one per line. */
const rows = (r: ReceiptRow): string[] => {
  const values = r.lines && r.lines.length > 0 ? r.lines : [r.value];
  const strong = r.key === 'status' ? '"' : '';
  return values.map((v, i) => `${i === 0 ? escapeText(r.label) : '~'} | ${strong}${escapeText(v)}`);
};

/** The ReceiptLine document for a receipt. Exposed for tests and for the designer. */
export function receiptDocument(receipt: Receipt): string {
  const marks = receiptMarks(receipt);
  const name = escapeText(receipt.business.name);
  const lines: string[] = [
    '{border:space; width:auto; text:wrap}',
    // 2x size when the name fits on one line of 21 double-width characters.
    receipt.business.name.length <= RECEIPT_CPL / 2 ? `^^^${name}` : `^^${name}`,
    ...receipt.business.addressLines.map(escapeText),
    ...(receipt.business.phone ? [escapeText(receipt.business.phone)] : []),
    '',
    `"${escapeText(marks.title)}`,
  ];
  if (marks.training) lines.push(`\`"${escapeText(marks.training)}`);
  if (marks.reprint) lines.push(`"${escapeText(marks.reprint)}`);
  lines.push(
    '',
    '-',
    `{width:${LABEL_WIDTH},*}`,
    ...receipt.details.flatMap(rows),
    '{width:auto}',
    '-',
    '{width:*,auto}',
    `^^^${escapeText(marks.amountLabel)} | ^^^${escapeText(receipt.amount.text)}`,
    '',
    `{width:${LABEL_WIDTH},*}`,
    ...receipt.payment.flatMap(rows),
  );
  if (receipt.statusNote) lines.push('{width:auto}', `|${escapeText(receipt.statusNote)}`);
  if (receipt.emv.length > 0) lines.push('{width:auto}', '-', '{width:12,*}', ...receipt.emv.flatMap(rows));
  lines.push(
    '{width:auto}',
    '-',
    escapeText(marks.confirmationLabel),
    `{code:${escapeProperty(receipt.confirmationId)}; option:qrcode,4,m}`,
    escapeText(receipt.confirmationId),
    '',
    `"${escapeText(marks.footer[0] ?? '')}`,
    ...marks.footer.slice(1).map(escapeText),
  );
  if (marks.training) lines.push('', `\`"${escapeText(marks.training)}`);
  return lines.join('\n');
}

/** ESC/POS bytes for an 80 mm thermal printer: starts with ESC @, ends with a paper cut. */
export function renderEscPos(receipt: Receipt): Uint8Array {
  return escposBytes(receiptDocument(receipt));
}

/** Any ReceiptLine document (a receipt, the end-of-day report) as ESC/POS bytes for the 80 mm printer. */
export function escposBytes(document: string): Uint8Array {
  // receiptline returns a binary string: one character per byte.
  return Uint8Array.from(Buffer.from(transform(document, ESCPOS), 'latin1'));
}

/**
 * The receipt as one self-contained SVG (for the on-screen preview and tests). receiptline's SVG
 * imports a web font from Google; the kiosk is offline and its CSP allows no remote styles, so that
 * <style> is dropped and the SVG falls back to the local monospace fonts it already names.
 */
export function renderSvg(receipt: Receipt): string {
  return transform(receiptDocument(receipt), SVG).replace(/<style type="text\/css"><!\[CDATA\[@import url\([^)]*\);\]\]><\/style>/g, '');
}
