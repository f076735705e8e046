/**
 * The receipt as a PDF (e-mail attachment, "save a copy"): 80 mm wide, as tall as its content,
 * Helvetica/Courier built-in fonts only (nothing to embed or ship), the same content and marks as the
 * printed receipt.
 */
import PDFDocument from 'pdfkit';
import { qrMatrix } from './qr';
import { receiptMarks, type Receipt, type ReceiptRow } from './receipt-model';

const MM = 72 / 25.4;
export const PDF_PAGE_WIDTH = 80 * MM; // 226.77 pt
const MARGIN = 4 * MM;
const CONTENT = PDF_PAGE_WIDTH - 2 * MARGIN;
const MAX_HEIGHT = 14_400; // the largest page PDF allows

export interface PdfOptions {
  /** Deflate the content streams (default true). Tests turn it off to read the text. */
  compress?: boolean;
}

type Doc = PDFKit.PDFDocument;

/** Lays the receipt out from the top; returns the y where the content ends. */
function draw(doc: Doc, receipt: Receipt): number {
  const marks = receiptMarks(receipt);
  let y = MARGIN;
  const font = (name: 'Helvetica' | 'Helvetica-Bold' | 'Courier', size: number) => doc.font(name).fontSize(size);
  const centered = (text: string, gap = 1) => {
    doc.text(text, MARGIN, y, { width: CONTENT, align: 'center' });
    y += doc.heightOfString(text, { width: CONTENT }) + gap;
  };
  const rule = () => {
    y += 4;
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + CONTENT, y)
      .dash(1.5, { space: 1.5 })
      .lineWidth(0.6)
      .stroke()
      .undash();
    y += 5;
  };
  const rows = (list: readonly ReceiptRow[], size: number, labelWidth: number, mono = false) => {
    for (const r of list) {
      const value = (r.lines && r.lines.length > 0 ? r.lines : [r.value]).join('\n');
      const valueWidth = CONTENT - labelWidth;
      font('Helvetica', size);
      doc.text(r.label, MARGIN, y, { width: labelWidth - 4 });
      const labelHeight = doc.heightOfString(r.label, { width: labelWidth - 4 });
      font(r.key === 'status' ? 'Helvetica-Bold' : mono ? 'Courier' : 'Helvetica', size);
      doc.text(value, MARGIN + labelWidth, y, { width: valueWidth, align: 'right' });
      y += Math.max(labelHeight, doc.heightOfString(value, { width: valueWidth })) + 1.5;
    }
  };
  const boxedMark = (text: string) => {
    font('Helvetica-Bold', 9);
    const h = doc.heightOfString(text, { width: CONTENT - 8 });
    doc
      .rect(MARGIN, y, CONTENT, h + 6)
      .lineWidth(1.5)
      .stroke();
    doc.text(text, MARGIN + 4, y + 3.5, { width: CONTENT - 8, align: 'center' });
    y += h + 10;
  };

  font('Helvetica-Bold', 15);
  centered(receipt.business.name, 3);
  font('Helvetica', 8.5);
  for (const line of [...receipt.business.addressLines, ...(receipt.business.phone ? [receipt.business.phone] : [])]) centered(line, 0.5);
  y += 4;
  font('Helvetica-Bold', 10);
  centered(marks.title, 4);
  if (marks.training) boxedMark(marks.training);
  if (marks.reprint) {
    font('Helvetica-Bold', 9);
    centered(marks.reprint, 2);
  }
  rule();
  rows(receipt.details, 8.5, 20 * MM);
  rule();
  font('Helvetica-Bold', 15);
  doc.text(marks.amountLabel, MARGIN, y, { width: CONTENT / 2 });
  doc.text(receipt.amount.text, MARGIN + CONTENT / 3, y, { width: (CONTENT * 2) / 3, align: 'right' });
  y += doc.heightOfString(receipt.amount.text) + 4;
  rows(receipt.payment, 8.5, 20 * MM);
  if (receipt.statusNote) {
    font('Helvetica', 8);
    doc.text(receipt.statusNote, MARGIN, y, { width: CONTENT, align: 'right' });
    y += doc.heightOfString(receipt.statusNote, { width: CONTENT }) + 1;
  }
  if (receipt.emv.length > 0) {
    rule();
    rows(receipt.emv, 7.5, 18 * MM, true);
  }
  rule();
  font('Helvetica', 8.5);
  centered(marks.confirmationLabel, 3);
  const matrix = qrMatrix(receipt.confirmationId);
  const cell = (22 * MM) / matrix.length;
  const qrX = MARGIN + (CONTENT - cell * matrix.length) / 2;
  matrix.forEach((row, r) => row.forEach((dark, c) => (dark ? doc.rect(qrX + c * cell, y + r * cell, cell, cell) : undefined)));
  doc.fillColor('#000').fill();
  y += cell * matrix.length + 3;
  font('Courier', 8);
  centered(receipt.confirmationId, 6);
  font('Helvetica-Bold', 10);
  centered(marks.footer[0] ?? '', 1);
  font('Helvetica', 8);
  for (const line of marks.footer.slice(1)) centered(line, 1);
  if (marks.training) {
    y += 4;
    boxedMark(marks.training);
  }
  return y + MARGIN;
}

function newDoc(receipt: Receipt, height: number, compress: boolean): Doc {
  return new PDFDocument({
    size: [PDF_PAGE_WIDTH, height],
    margin: 0,
    compress,
    autoFirstPage: true,
    info: {
      Title: `${receiptMarks(receipt).title} ${receipt.confirmationId}`,
      Author: receipt.business.name,
      CreationDate: new Date(receipt.occurredAt),
    },
  });
}

export function renderPdf(receipt: Receipt, options: PdfOptions = {}): Promise<Buffer> {
  const compress = options.compress ?? true;
  // Pass 1 measures (its output is never read), pass 2 draws on a page exactly as tall as the content.
  const height = Math.min(Math.ceil(draw(newDoc(receipt, MAX_HEIGHT, false), receipt)), MAX_HEIGHT);
  const doc = newDoc(receipt, height, compress);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc, receipt);
    doc.end();
  });
}
