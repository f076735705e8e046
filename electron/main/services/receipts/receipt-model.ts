/**
 * The one receipt model. `buildReceipt` validates what the payment flow hands over (zod, at this
 * boundary), refuses anything that looks like a card number, and formats every value for people
 * (money and dates through Intl, here at the edge). The ESC/POS, SVG, HTML and PDF renderers only lay
 * out the strings they get.
 */
import { z } from 'zod';
import { formatMoney, moneySchema } from '../../../shared/money';
import { AppError } from '../errors';
import {
  RECEIPT_LABELS,
  RECEIPT_LOCALES,
  RECEIPT_STATUSES,
  brandName,
  type ReceiptLabels,
  type ReceiptLocale,
  type ReceiptStatus,
} from './labels';
import { containsPan } from './pan';

export { RECEIPT_LABELS, type ReceiptLocale, type ReceiptStatus } from './labels';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must be a single line of text');
const hex = (max: number) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[0-9A-Fa-f]{1,${max}}$`), 'must be hexadecimal');
const last4 = z.string().regex(/^\d{4}$/, 'must be exactly the last 4 digits');

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const validLocale = (l: string) => {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([l]).length > 0;
  } catch {
    return false;
  }
};

/** The EMV data Stripe returns on `charge.payment_method_details.card_present.receipt`, as is. */
export const emvReceiptSchema = z.object({
  application_preferred_name: text(64).nullish(),
  dedicated_file_name: hex(32).nullish(),
  authorization_response_code: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{2,4}$/, 'not an authorization response code')
    .nullish(),
  account_type: text(20).nullish(),
  application_cryptogram: hex(32).nullish(),
  terminal_verification_results: hex(10).nullish(),
  transaction_status_information: hex(4).nullish(),
  authorization_code: text(12).nullish(),
  cardholder_verification_method: text(40).nullish(),
});
export type EmvReceipt = z.infer<typeof emvReceiptSchema>;

export const receiptMethodSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('card'), brand: text(40).nullish(), last4, authorizationCode: text(12).nullish() }),
  z.object({
    type: z.literal('card_present'),
    brand: text(40).nullish(),
    last4,
    /** Stripe's `read_method` (contact_emv, contactless_emv, ...). */
    readMethod: text(40).nullish(),
    authorizationCode: text(12).nullish(),
    emv: emvReceiptSchema.nullish(),
  }),
  z.object({ type: z.literal('us_bank_account'), bankName: text(80).nullish(), last4 }),
  z.object({ type: z.literal('cash') }),
  z.object({
    type: z.literal('check'),
    checkNumber: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z-]{1,20}$/, 'not a check number'),
  }),
]);
export type ReceiptMethod = z.infer<typeof receiptMethodSchema>;

export const receiptInputSchema = z.object({
  /** Language of the labels. */
  locale: z.enum(RECEIPT_LOCALES).default('en'),
  business: z.object({
    name: text(80),
    addressLines: z.array(text(120)).max(4).default([]),
    phone: text(40).nullish(),
  }),
  station: z.object({
    id: text(64),
    /** BCP 47 locale of the station for dates and money, e.g. "en-US". */
    intlLocale: z.string().trim().min(2).max(35).refine(validLocale, 'not a known locale'),
    /** IANA time zone of the station, e.g. "America/Chicago". */
    timeZone: z.string().trim().min(1).max(64).refine(validTimeZone, 'not a known time zone'),
  }),
  /** When the payment happened, ms since the epoch. */
  occurredAt: z.number().int().min(0),
  staffName: text(80).nullish(),
  customerName: text(120).nullish(),
  invoiceNumbers: z.array(text(64)).max(50).default([]),
  /** A payment on account (credited to the customer's balance, no invoice): the receipt says so where the invoice goes. */
  onAccount: z.boolean().default(false),
  amount: moneySchema,
  method: receiptMethodSchema,
  status: z.enum(RECEIPT_STATUSES),
  /** PaymentIntent id, or the local queue id while the payment waits for the connection. */
  confirmationId: text(255),
  training: z.boolean().default(false),
  reprint: z.boolean().default(false),
});
export type ReceiptInput = z.input<typeof receiptInputSchema>;

export interface ReceiptRow {
  readonly key: string;
  readonly label: string;
  readonly value: string;
  /** The value as separate lines when it is a list (invoice numbers); `value` joins them. */
  readonly lines?: readonly string[];
}

/** A validated receipt with every value already formatted for people. Immutable. */
export interface Receipt {
  readonly locale: ReceiptLocale;
  /** Locale and time zone the values were formatted with (the station's). */
  readonly format: { readonly intlLocale: string; readonly timeZone: string };
  readonly training: boolean;
  /** Set on reprints: when the reprint was made, formatted (null when not known). */
  readonly reprint: { readonly at: string | null } | null;
  readonly business: { readonly name: string; readonly addressLines: readonly string[]; readonly phone: string | null };
  readonly occurredAt: number;
  readonly dateTime: string;
  readonly amount: { readonly minor: number; readonly currency: string; readonly text: string };
  readonly status: ReceiptStatus;
  readonly statusText: string;
  readonly statusNote: string | null;
  readonly methodText: string;
  readonly confirmationId: string;
  /** Who/where/what: date, staff, station, customer, invoices. */
  readonly details: readonly ReceiptRow[];
  /** Payment: method, entry mode, auth code, status. */
  readonly payment: readonly ReceiptRow[];
  /** Card-present EMV data (empty otherwise). */
  readonly emv: readonly ReceiptRow[];
}

/** Every string anywhere in a value, with its path, for the card-number check. */
function* strings(value: unknown, path: string, depth = 0): Generator<[string, string]> {
  if (depth > 8) return; // receipt input is shallow; this only stops a cyclic object
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`, depth + 1);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k, depth + 1);
}

/** Refuses input with a card number in any field, known or not. Returns the offending path. */
export function findPan(input: unknown): string | null {
  for (const [path, s] of strings(input, '')) if (containsPan(s)) return path || 'value';
  return null;
}

export function formatDateTime(ms: number, intlLocale: string, timeZone: string): string {
  return plainSpaces(new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms));
}

/** Intl puts narrow/no-break spaces in times and amounts ("10:04\u202fAM", "125,50\u00a0$"); printers want plain ones. */
const plainSpaces = (s: string): string => s.replace(/[\u00a0\u202f\u2009]/g, ' ');

/** Labels in `lang`, numbers and dates the station's way: es + en-US → es-US. */
export function intlLocaleFor(lang: ReceiptLocale, stationLocale: string): string {
  const loc = new Intl.Locale(stationLocale);
  if (loc.language === lang) return stationLocale;
  const candidate = loc.region ? `${lang}-${loc.region}` : lang;
  return validLocale(candidate) ? candidate : lang;
}

function methodText(m: ReceiptMethod, l: ReceiptLabels): string {
  switch (m.type) {
    case 'card':
    case 'card_present':
      return `${brandName(m.brand, l)} **** ${m.last4}`;
    case 'us_bank_account':
      return `${m.bankName ?? l.bankAccount} **** ${m.last4}`;
    case 'cash':
      return l.cash;
    case 'check':
      return l.check(m.checkNumber);
  }
}

const humanize = (s: string) => s.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

function emvRows(m: ReceiptMethod, l: ReceiptLabels): ReceiptRow[] {
  if (m.type !== 'card_present' || !m.emv) return [];
  const e = m.emv;
  const accountType = e.account_type
    ? (l.accountTypes[e.account_type as keyof ReceiptLabels['accountTypes']] ?? humanize(e.account_type))
    : null;
  const rows: [string, string, string | null | undefined][] = [
    ['application', l.emv.application, e.application_preferred_name],
    ['aid', l.emv.aid, e.dedicated_file_name?.toUpperCase()],
    ['account_type', l.emv.accountType, accountType],
    ['arc', l.emv.arc, e.authorization_response_code],
    ['cryptogram', l.emv.cryptogram, e.application_cryptogram?.toUpperCase()],
    ['tvr', l.emv.tvr, e.terminal_verification_results?.toUpperCase()],
    ['tsi', l.emv.tsi, e.transaction_status_information?.toUpperCase()],
  ];
  return rows.filter((r): r is [string, string, string] => Boolean(r[2])).map(([key, label, value]) => ({ key, label, value }));
}

export function buildReceipt(input: unknown): Receipt {
  const panAt = findPan(input);
  if (panAt) throw AppError.because('receipt_has_card_number', { field: panAt });
  const parsed = receiptInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || undefined;
    throw AppError.because('invalid_input', {
      field,
      message: `the receipt is not valid: ${field ? `${field} ` : ''}${issue?.message ?? 'invalid'}`,
    });
  }
  const r = parsed.data;
  const l = RECEIPT_LABELS[r.locale];
  const intlLocale = intlLocaleFor(r.locale, r.station.intlLocale);
  const dateTime = formatDateTime(r.occurredAt, intlLocale, r.station.timeZone);
  const amountText = plainSpaces(formatMoney(r.amount.amount, r.amount.currency, intlLocale));
  const method = methodText(r.method, l);

  const details: ReceiptRow[] = [
    { key: 'date', label: l.date, value: dateTime },
    { key: 'staff', label: l.staff, value: r.staffName ?? l.kiosk },
    { key: 'station', label: l.station, value: r.station.id },
  ];
  if (r.customerName) details.push({ key: 'customer', label: l.customer, value: r.customerName });
  if (r.invoiceNumbers.length > 0)
    details.push({
      key: 'invoices',
      label: r.invoiceNumbers.length === 1 ? l.invoice : l.invoices,
      value: r.invoiceNumbers.join(', '),
      lines: r.invoiceNumbers,
    });
  else if (r.onAccount) details.push({ key: 'invoices', label: l.invoice, value: l.onAccount });

  const payment: ReceiptRow[] = [{ key: 'method', label: l.method, value: method }];
  const m = r.method;
  if (m.type === 'card_present' && m.readMethod) {
    const known = l.readMethods[m.readMethod as keyof ReceiptLabels['readMethods']];
    payment.push({ key: 'entry_mode', label: l.entryMode, value: known ?? humanize(m.readMethod) });
  }
  const authCode =
    m.type === 'card_present' ? (m.authorizationCode ?? m.emv?.authorization_code) : m.type === 'card' ? m.authorizationCode : null;
  if (authCode) payment.push({ key: 'auth_code', label: l.authCode, value: authCode });
  payment.push({ key: 'status', label: l.status, value: l.statuses[r.status] });

  return Object.freeze({
    locale: r.locale,
    format: { intlLocale, timeZone: r.station.timeZone },
    training: r.training,
    reprint: r.reprint ? { at: null } : null,
    business: { name: r.business.name, addressLines: r.business.addressLines, phone: r.business.phone ?? null },
    occurredAt: r.occurredAt,
    dateTime,
    amount: { minor: r.amount.amount, currency: r.amount.currency, text: amountText },
    status: r.status,
    statusText: l.statuses[r.status],
    statusNote: l.statusNotes[r.status] ?? null,
    methodText: method,
    confirmationId: r.confirmationId,
    details,
    payment,
    emv: emvRows(r.method, l),
  });
}

/** The same receipt marked as a reprint made at `atMs`. */
export function asReprint(receipt: Receipt, atMs: number): Receipt {
  return Object.freeze({ ...receipt, reprint: { at: formatDateTime(atMs, receipt.format.intlLocale, receipt.format.timeZone) } });
}

/** The texts every renderer prints around the content, in the receipt's language. */
export function receiptMarks(receipt: Receipt): {
  title: string;
  training: string | null;
  reprint: string | null;
  amountLabel: string;
  confirmationLabel: string;
  footer: string[];
} {
  const l = RECEIPT_LABELS[receipt.locale];
  return {
    title: l.title,
    training: receipt.training ? l.training : null,
    reprint: receipt.reprint ? (receipt.reprint.at ? `${l.reprint} — ${receipt.reprint.at}` : l.reprint) : null,
    amountLabel: l.amount,
    confirmationLabel: l.confirmation,
    footer: [l.thanks, l.keep],
  };
}
