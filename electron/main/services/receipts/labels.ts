/** Receipt wording in the two languages the kiosk speaks. Keys are the same in both. */
export const RECEIPT_LOCALES = ['en', 'es'] as const;
export type ReceiptLocale = (typeof RECEIPT_LOCALES)[number];

export const RECEIPT_STATUSES = ['approved', 'processing', 'queued', 'refunded', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const READ_METHODS = [
  'contact_emv',
  'contactless_emv',
  'contactless_magstripe_mode',
  'magnetic_stripe_fallback',
  'magnetic_stripe_track2',
  'manual',
] as const;
export type ReadMethod = (typeof READ_METHODS)[number];

export interface ReceiptLabels {
  date: string;
  staff: string;
  kiosk: string;
  station: string;
  customer: string;
  invoice: string;
  invoices: string;
  /** Where the invoice number goes, for a payment on account. */
  onAccount: string;
  amount: string;
  method: string;
  status: string;
  confirmation: string;
  entryMode: string;
  authCode: string;
  cash: string;
  check: (number: string) => string;
  card: string;
  bankAccount: string;
  statuses: Record<ReceiptStatus, string>;
  statusNotes: Partial<Record<ReceiptStatus, string>>;
  readMethods: Record<ReadMethod, string>;
  emv: {
    application: string;
    aid: string;
    arc: string;
    accountType: string;
    cryptogram: string;
    tvr: string;
    tsi: string;
  };
  accountTypes: Record<'checking' | 'savings' | 'credit' | 'prepaid' | 'unknown', string>;
  training: string;
  reprint: string;
  thanks: string;
  keep: string;
  title: string;
  /** The e-mail's body: the receipt is the attachment. */
  emailAttached: string;
}

const en: ReceiptLabels = {
  date: 'Date',
  staff: 'Served by',
  kiosk: 'Kiosk',
  station: 'Station',
  customer: 'Customer',
  invoice: 'Invoice',
  invoices: 'Invoices',
  onAccount: 'On account',
  amount: 'Amount',
  method: 'Paid with',
  status: 'Status',
  confirmation: 'Confirmation',
  entryMode: 'Entry mode',
  authCode: 'Auth code',
  cash: 'Cash',
  check: (n) => `Check #${n}`,
  card: 'Card',
  bankAccount: 'Bank account',
  statuses: {
    approved: 'Approved',
    processing: 'Processing',
    queued: 'Queued',
    refunded: 'Refunded',
    failed: 'Failed',
  },
  statusNotes: {
    processing: 'Bank payments usually take 4 business days.',
    queued: 'Will be sent when the connection returns.',
    failed: 'No money was taken.',
  },
  readMethods: {
    contact_emv: 'Chip',
    contactless_emv: 'Contactless',
    contactless_magstripe_mode: 'Contactless (stripe)',
    magnetic_stripe_fallback: 'Swiped (fallback)',
    magnetic_stripe_track2: 'Swiped',
    manual: 'Keyed',
  },
  emv: {
    application: 'Application',
    aid: 'AID',
    arc: 'ARC',
    accountType: 'Account',
    cryptogram: 'AC',
    tvr: 'TVR',
    tsi: 'TSI',
  },
  accountTypes: { checking: 'Checking', savings: 'Savings', credit: 'Credit', prepaid: 'Prepaid', unknown: 'Unknown' },
  training: 'TRAINING — NOT A REAL PAYMENT',
  reprint: 'REPRINT',
  thanks: 'Thank you!',
  keep: 'Please keep this receipt for your records.',
  title: 'Payment receipt',
  emailAttached: 'Your receipt is attached as a PDF.',
};

const es: ReceiptLabels = {
  date: 'Fecha',
  staff: 'Atendido por',
  kiosk: 'Quiosco',
  station: 'Estación',
  customer: 'Cliente',
  invoice: 'Factura',
  invoices: 'Facturas',
  onAccount: 'A cuenta',
  amount: 'Importe',
  method: 'Pagado con',
  status: 'Estado',
  confirmation: 'Confirmación',
  entryMode: 'Lectura',
  authCode: 'Autorización',
  cash: 'Efectivo',
  check: (n) => `Cheque n.º ${n}`,
  card: 'Tarjeta',
  bankAccount: 'Cuenta bancaria',
  statuses: {
    approved: 'Aprobado',
    processing: 'En proceso',
    queued: 'En espera',
    refunded: 'Reembolsado',
    failed: 'Rechazado',
  },
  statusNotes: {
    processing: 'Los pagos bancarios suelen tardar 4 días hábiles.',
    queued: 'Se enviará cuando vuelva la conexión.',
    failed: 'No se cobró ningún importe.',
  },
  readMethods: {
    contact_emv: 'Chip',
    contactless_emv: 'Sin contacto',
    contactless_magstripe_mode: 'Sin contacto (banda)',
    magnetic_stripe_fallback: 'Banda (respaldo)',
    magnetic_stripe_track2: 'Banda magnética',
    manual: 'Digitada',
  },
  emv: {
    application: 'Aplicación',
    aid: 'AID',
    arc: 'ARC',
    accountType: 'Cuenta',
    cryptogram: 'AC',
    tvr: 'TVR',
    tsi: 'TSI',
  },
  accountTypes: { checking: 'Cheques', savings: 'Ahorros', credit: 'Crédito', prepaid: 'Prepago', unknown: 'Desconocida' },
  training: 'ENTRENAMIENTO — NO ES UN PAGO REAL',
  reprint: 'REIMPRESIÓN',
  thanks: '¡Gracias!',
  keep: 'Conserve este recibo para sus registros.',
  title: 'Recibo de pago',
  emailAttached: 'Adjuntamos su recibo en PDF.',
};

export const RECEIPT_LABELS: Record<ReceiptLocale, ReceiptLabels> = { en, es };

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  american_express: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  interac: 'Interac',
  eftpos_au: 'eftpos',
};

/** "visa" → "Visa"; an unknown brand keeps its own spelling; none at all → "Card"/"Tarjeta". */
export function brandName(brand: string | null | undefined, labels: ReceiptLabels): string {
  if (!brand || brand === 'unknown') return labels.card;
  return BRANDS[brand.toLowerCase()] ?? brand;
}
