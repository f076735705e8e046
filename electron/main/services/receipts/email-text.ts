/**
 * The e-mail that carries a receipt: the subject, a short plain-text body (business, amount,
 * invoice, confirmation id, the training mark) and the PDF's file name. The receipt itself is the
 * attachment; the body only says what it is.
 */
import { RECEIPT_LABELS, receiptMarks, type Receipt } from './receipt-model';

export interface ReceiptEmailText {
  subject: string;
  text: string;
  filename: string;
}

export function receiptEmailText(receipt: Receipt): ReceiptEmailText {
  const l = RECEIPT_LABELS[receipt.locale];
  const marks = receiptMarks(receipt);
  const invoices = receipt.details.find((r) => r.key === 'invoices');
  const lines = [
    ...(marks.training ? [marks.training, ''] : []),
    receipt.business.name,
    marks.title,
    '',
    `${marks.amountLabel}: ${receipt.amount.text}`,
    ...(invoices ? [`${invoices.label}: ${invoices.value}`] : []),
    `${l.status}: ${receipt.statusText}`,
    `${marks.confirmationLabel}: ${receipt.confirmationId}`,
    '',
    l.emailAttached,
    l.thanks,
    ...(receipt.business.phone ? ['', `${receipt.business.name} · ${receipt.business.phone}`] : []),
  ];
  return {
    subject: `${marks.training ? `[${marks.training}] ` : ''}${marks.title} — ${receipt.business.name}`,
    text: `${lines.join('\n')}\n`,
    filename: `receipt-${receipt.confirmationId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}.pdf`,
  };
}

/** An address for logs and the audit log: the first letter of the local part and the domain ("m***@example.com"). */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
