/**
 * The Stripe metadata every station writes and reads: a protocol between stations (kiosks and desks
 * share nothing but Stripe), like the IPC contract is one between processes. One zod schema per
 * Stripe object; stations write through `write*` (which drops empty values and checks Stripe's limits)
 * and read through `read*` (which never throws: what another version of the app wrote is read as far
 * as it fits, unknown keys ignored). No Node, no DOM.
 */
import { z } from 'zod';

/** Stripe's limits: 50 keys, key ≤ 40 characters, value ≤ 500 characters. */
const value = z.string().max(500);
const optional = value.optional();
const flag = z.enum(['true']).optional();
const unix = z
  .string()
  .regex(/^\d{1,12}$/)
  .optional();

export const CHANNELS = ['kiosk', 'guest', 'desk'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Who took a payment and where: on every PaymentIntent, payment record and balance transaction the app makes. */
const origin = {
  station_id: optional,
  staff_id: optional,
  /** So another station's reports can name a clerk it does not know. */
  staff_name: optional,
};

/** A PaymentIntent the app created (kiosk, guest or desk; any card or bank tender). */
export const intentMetadataSchema = z.object({
  ...origin,
  channel: z.enum(CHANNELS).optional(),
  /** The ledger payment this intent belongs to (one customer action; several invoices → several intents). */
  payment_id: optional,
  /** The payment's step that created it: how a create whose answer was lost is found again. */
  payment_step: optional,
  /** Older stations: the kiosk attempt / desk payment that made it (read, never written now). */
  attempt_id: optional,
  desk_payment_id: optional,
  invoice_id: optional,
  invoice_number: optional,
  /** A payment on account (no invoice): the customer's balance is credited once it succeeds. */
  on_account: flag,
  /** The customer asked to keep the method for autopay. */
  save_for_autopay: flag,
});
export type IntentMetadata = z.infer<typeof intentMetadataSchema>;

/** A payment record (cash or a check taken at a desk). */
export const recordMetadataSchema = z.object({
  ...origin,
  payment_id: optional,
  desk_payment_id: optional,
  method: z.enum(['cash', 'check']).optional(),
  /** Unix seconds: when the money was handed over (it may reach Stripe later, from the queue). */
  taken_at: unix,
  invoice_id: optional,
  on_account: flag,
  check_number: optional,
});
export type RecordMetadata = z.infer<typeof recordMetadataSchema>;

/** A customer balance transaction the app made (a payment on account credited). */
export const balanceMetadataSchema = z.object({
  ...origin,
  payment_id: optional,
  desk_payment_id: optional,
  method: optional,
  payment_intent: optional,
  payment_record: optional,
});
export type BalanceMetadata = z.infer<typeof balanceMetadataSchema>;

/** A refund the app made. */
export const refundMetadataSchema = z.object({ ...origin, request_id: optional });
export type RefundMetadata = z.infer<typeof refundMetadataSchema>;

/** The customer: the autopay switch the kiosk and desk both read. */
export const customerMetadataSchema = z.object({
  autopay: z.enum(['on', 'off']).optional(),
  training_key: optional,
});
export type CustomerMetadata = z.infer<typeof customerMetadataSchema>;

/** The invoice: the printed link's token, and the help hand-off between kiosk and desk. */
export const invoiceMetadataSchema = z.object({
  training_key: optional,
  /** The QR/link token printed on the invoice (compared in constant time). */
  pay_token: optional,
  help_open: z.enum(['true', 'false']).optional(),
  help_id: optional,
  help_requested_at: optional,
  help_station: optional,
  help_customer: optional,
  help_note: optional,
  payment_processing: flag,
});
export type InvoiceMetadata = z.infer<typeof invoiceMetadataSchema>;

type Meta = Record<string, string>;

/**
 * Reads metadata through its schema: each known key that fits is kept, one that does not (another
 * version wrote something else) is dropped with the rest still read. Never throws.
 */
function reader<S extends z.ZodObject>(schema: S): (raw: Meta | null | undefined) => z.infer<S> {
  const shape = schema.shape as Record<string, z.ZodType>;
  return (raw) => {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const v = raw?.[key];
      if (v === undefined || v === '') continue;
      const parsed = field.safeParse(v);
      if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
    }
    return out as z.infer<S>;
  };
}

/** Writes metadata through its schema: empty and undefined values are left out; a value Stripe would refuse throws. */
function writer<S extends z.ZodObject>(schema: S): (value: z.input<S>) => Meta {
  return (v) => {
    const parsed = schema.strict().parse(v) as Record<string, string | undefined>;
    const out: Meta = {};
    for (const [key, val] of Object.entries(parsed)) if (val !== undefined && val !== '') out[key] = val;
    return out;
  };
}

export const readIntentMetadata = reader(intentMetadataSchema);
export const writeIntentMetadata = writer(intentMetadataSchema);
export const readRecordMetadata = reader(recordMetadataSchema);
export const writeRecordMetadata = writer(recordMetadataSchema);
export const readBalanceMetadata = reader(balanceMetadataSchema);
export const writeBalanceMetadata = writer(balanceMetadataSchema);
export const readRefundMetadata = reader(refundMetadataSchema);
export const writeRefundMetadata = writer(refundMetadataSchema);
export const readCustomerMetadata = reader(customerMetadataSchema);
export const writeCustomerMetadata = writer(customerMetadataSchema);
export const readInvoiceMetadata = reader(invoiceMetadataSchema);
export const writeInvoiceMetadata = writer(invoiceMetadataSchema);

/** The ledger payment an intent belongs to, whichever version of the app made it. */
export const intentPaymentId = (m: IntentMetadata): string | null => m.payment_id ?? m.attempt_id ?? m.desk_payment_id ?? null;

/** A staff name fits a metadata value. */
export const staffNameValue = (name: string | null | undefined): string | undefined => (name ? name.slice(0, 500) : undefined);
