/**
 * The contract's value schemas and the entry helper (see contract.ts for the entries). The IPC contract: the single source of truth for every call between the renderer and the main
 * process. Each entry has a `domain:verb` channel, the roles that may call it, and zod schemas for
 * the request and the response. Main parses every request with these schemas; the preload and the
 * browser preview build `window.portal` from this object. No Node, no DOM in this folder.
 */
import { z } from 'zod';
import { currencySchema, minorAmountSchema, positiveMinorAmountSchema } from './money';
import { ERROR_CODES, reasonParamsSchema, reasonSchema } from './reasons';

/** public: nobody signed in; guest: paying one invoice without an account; customer: signed in to the portal. */
export const ROLES = ['public', 'guest', 'customer', 'clerk', 'manager'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export { ERROR_CODES };
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const portalErrorSchema = z.object({
  code: errorCodeSchema,
  /** Why, as a code the renderer words in the customer's language (shared/reasons.ts). */
  reason: reasonSchema,
  /** What the words need (money in minor units with `currency`). */
  params: reasonParamsSchema.optional(),
  /** English, for logs and developers; the renderer words `reason` instead. */
  message: z.string(),
  /** The request field the message is about, when there is one (for showing it at the field). */
  field: z.string().optional(),
});
export type PortalError = z.infer<typeof portalErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: PortalError };

// ---------------------------------------------------------------------------------------------
// Shared value schemas. Strings are always bounded so a 10,000-character paste is refused early.

export const idSchema = z
  .string()
  .min(3)
  .max(255)
  .regex(/^[A-Za-z0-9_]+$/, 'not a valid id');
export const emailSchema = z.email('enter a valid email address').max(254);
/** A bounded string. */
export const text = (max: number) => z.string().max(max);
export const empty = z.object({}).strict();

export const addressSchema = z.object({
  line1: text(200).nullable(),
  line2: text(200).nullable(),
  city: text(100).nullable(),
  state: text(100).nullable(),
  postalCode: text(20).nullable(),
  country: text(2).nullable(),
});
export type Address = z.infer<typeof addressSchema>;

export const customerSchema = z.object({
  id: idSchema,
  name: text(200).nullable(),
  email: text(254).nullable(),
  phone: text(40).nullable(),
  address: addressSchema.nullable(),
});
export type Customer = z.infer<typeof customerSchema>;

export const INVOICE_STATUSES = ['draft', 'open', 'overdue', 'partially_paid', 'processing', 'paid', 'void', 'uncollectible'] as const;
export const invoiceStatusSchema = z.enum(INVOICE_STATUSES);
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

export const invoiceSchema = z.object({
  id: idSchema,
  number: text(100).nullable(),
  customerId: idSchema,
  status: invoiceStatusSchema,
  currency: currencySchema,
  total: minorAmountSchema,
  amountDue: minorAmountSchema,
  amountPaid: minorAmountSchema,
  amountRemaining: minorAmountSchema,
  /** Unix seconds. */
  issuedAt: z.number().int(),
  dueAt: z.number().int().nullable(),
});
export type Invoice = z.infer<typeof invoiceSchema>;

export const invoiceLineSchema = z.object({
  id: idSchema,
  description: text(500).nullable(),
  amount: z.number().int(),
  quantity: z.number().int().nullable(),
});
export const invoiceDetailSchema = invoiceSchema.extend({ lines: z.array(invoiceLineSchema) });
export type InvoiceDetail = z.infer<typeof invoiceDetailSchema>;

export const demoSignInSchema = z.object({ label: text(100), email: text(254), password: text(200) });
export const demoGuestInvoiceSchema = z.object({ label: text(100), invoiceNumber: text(100), postalCode: text(20), link: text(500) });

export const appInfoSchema = z.object({
  version: text(40),
  trainingMode: z.boolean(),
  stationId: text(64),
  kiosk: z.boolean(),
  idleTimeoutSeconds: z.number().int().positive(),
  /** When the customer screens' on-screen keyboard opens ('touch': a tap on a field; 'always': any click; 'off'). */
  onScreenKeyboard: z.enum(['touch', 'always', 'off']).default('touch'),
  /** Who drives the desk's card reader: main ('server') or `@stripe/terminal-js` in this window ('js'). */
  terminalDriver: z.enum(['server', 'js']).default('server'),
  /** Whether this station can email receipts (a mail server is set, or training mode's mail drop). */
  emailReceipts: z.boolean().default(false),
  /** Shown on the sign-in screen in training mode only; empty otherwise. */
  demoSignIns: z.array(demoSignInSchema),
  /** Shown on the guest-pay screen in training mode only: invoice number + zip, and the printed link. */
  demoGuestInvoices: z.array(demoGuestInvoiceSchema),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const connectivitySchema = z.object({
  state: z.enum(['online', 'offline']),
  /** Unix milliseconds of the last change. */
  since: z.number().int(),
  /** Items waiting in the durable queue (payments, receipts, updates). */
  waiting: z.number().int().min(0),
  /** The local copy is being brought up to date right now. */
  syncing: z.boolean(),
  /** Unix milliseconds of the last successful sync of the local copy (null: never). */
  lastSyncAt: z.number().int().nullable(),
});
export type Connectivity = z.infer<typeof connectivitySchema>;

export const sessionSchema = z.object({
  role: roleSchema,
  /** The signed-in customer (null for public and guest sessions: a guest sees no account details). */
  customer: customerSchema.nullable(),
  /** The one invoice a guest session may see and pay. */
  guestInvoiceId: idSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

// ---------------------------------------------------------------------------------------------
// Payments (the customer flow at the kiosk).

export const PAYMENT_TYPES = ['card', 'us_bank_account'] as const;
export const paymentTypeSchema = z.enum(PAYMENT_TYPES);
export type PaymentType = z.infer<typeof paymentTypeSchema>;

export const METHOD_KINDS = ['card', 'us_bank_account', 'card_present', 'cash', 'check'] as const;
export const methodSummarySchema = z.object({
  type: z.enum(METHOD_KINDS),
  brand: text(40).nullable(),
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  bankName: text(100).nullable(),
  expMonth: z.number().int().min(1).max(12).nullable(),
  expYear: z.number().int().nullable(),
});
export type MethodSummary = z.infer<typeof methodSummarySchema>;

export const savedMethodSchema = methodSummarySchema.extend({
  id: idSchema,
  type: paymentTypeSchema,
  isDefault: z.boolean(),
});
export type SavedMethod = z.infer<typeof savedMethodSchema>;

export const savedMethodsSchema = z.object({
  methods: z.array(savedMethodSchema),
  autopay: z.object({ enabled: z.boolean(), defaultMethodId: idSchema.nullable() }),
});
export type SavedMethods = z.infer<typeof savedMethodsSchema>;

export const PAYMENT_STATUSES = ['succeeded', 'processing', 'requires_verification', 'queued', 'failed', 'refunded', 'canceled'] as const;
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

export const paymentSummarySchema = z.object({
  id: idSchema,
  /** Unix seconds. */
  created: z.number().int(),
  amount: minorAmountSchema,
  currency: currencySchema,
  status: paymentStatusSchema,
  method: methodSummarySchema,
  invoiceId: idSchema.nullable(),
  invoiceNumber: text(100).nullable(),
});
export type PaymentSummary = z.infer<typeof paymentSummarySchema>;

/** Why a payment did not go through, in terms the result popup can explain in plain words. */
export const DECLINE_REASONS = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'incorrect_number',
  'processing_error',
  'bank_account_problem',
  'verification_failed',
  'amount_changed',
  /** The invoice was paid by another payment at the same moment: this one was refunded in full. */
  'paid_elsewhere',
  'other',
] as const;
export const declineReasonSchema = z.enum(DECLINE_REASONS);
export type DeclineReason = z.infer<typeof declineReasonSchema>;

/** What one payment did for each invoice it paid (one part per invoice; several invoices → several parts). */
export const PART_STATUSES = ['succeeded', 'processing', 'requires_verification', 'queued', 'failed'] as const;
export const paymentPartSchema = z.object({
  invoiceId: idSchema,
  invoiceNumber: text(100).nullable(),
  amount: minorAmountSchema,
  status: z.enum(PART_STATUSES),
  /** The part's own confirmation (its PaymentIntent), when it went through. */
  confirmation: idSchema.nullable(),
  /** Why it did not go through. */
  reason: declineReasonSchema.nullable(),
});
export type PaymentPart = z.infer<typeof paymentPartSchema>;

const outcomeCommon = {
  attemptId: idSchema,
  /** The first (or only) invoice paid. */
  invoiceId: idSchema,
  invoiceNumber: text(100).nullable(),
  /** What went through (the sum of the parts that did). */
  amount: minorAmountSchema,
  currency: currencySchema,
  method: methodSummarySchema,
  /** The confirmation number the customer keeps: the PaymentIntent id (one invoice), the payment's id (several), or the queue id when queued. */
  confirmation: idSchema,
  savedForAutopay: z.boolean(),
  /** Each invoice's part; one entry when one invoice was paid. */
  parts: z.array(paymentPartSchema).max(50).default([]),
};

export const paymentOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('succeeded'), ...outcomeCommon }),
  /** ACH: accepted, money moves in about 4 business days. */
  z.object({ status: z.literal('processing'), ...outcomeCommon }),
  /** A bank account entered by hand: small deposits arrive, the customer comes back with the code. */
  z.object({
    status: z.literal('requires_verification'),
    ...outcomeCommon,
    /** Unix seconds when the deposits should have arrived, when known. */
    arrivalDate: z.number().int().nullable(),
  }),
  /** Offline: stored and sent exactly once when the connection returns. */
  z.object({ status: z.literal('queued'), ...outcomeCommon }),
  /** Several invoices: some parts went through, at least one did not (each part says which); Try again charges only the rest. */
  z.object({
    status: z.literal('partially_succeeded'),
    ...outcomeCommon,
    reason: declineReasonSchema,
    /** What did not go through. */
    unpaid: minorAmountSchema,
  }),
  z.object({
    status: z.literal('failed'),
    attemptId: idSchema,
    invoiceId: idSchema,
    reason: declineReasonSchema,
    /** Plain words for the customer; never Stripe's internal detail. */
    message: text(500),
    parts: z.array(paymentPartSchema).max(50).default([]),
    /** amount_changed: what is still available to pay on the invoice(s) now. */
    remaining: minorAmountSchema.nullable().default(null),
  }),
]);
export type PaymentOutcome = z.infer<typeof paymentOutcomeSchema>;

export const postalCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{5}(-\d{4})?$/, 'enter a 5-digit zip code');
export const nameOnAccountSchema = z.string().trim().min(2, 'enter the name on the account').max(100);
/** Cents; the renderer turns typed text into cents with parseAmountInput and shows its messages at the field. */
export const paymentAmountSchema = positiveMinorAmountSchema;

export const newCardSchema = z.object({
  number: z.string().regex(/^[\d ]{12,23}$/, 'enter the card number'),
  expMonth: z.number().int().min(1, 'enter a valid month').max(12, 'enter a valid month'),
  expYear: z.number().int().min(2000).max(2100),
  cvc: z.string().regex(/^\d{3,4}$/, 'enter the 3 or 4 digit security code'),
});

export const newBankAccountSchema = z.object({
  routingNumber: z.string().regex(/^\d{9}$/, 'a routing number has 9 digits'),
  accountNumber: z.string().regex(/^\d{4,17}$/, 'enter the account number (4 to 17 digits)'),
  accountHolderType: z.enum(['individual', 'company']),
  accountType: z.enum(['checking', 'savings']),
});
export type NewCard = z.infer<typeof newCardSchema>;
export type NewBankAccount = z.infer<typeof newBankAccountSchema>;

export const paymentStartSchema = z.object({
  attemptId: idSchema,
  /** The first (oldest due) invoice of the payment. */
  invoice: invoiceSchema,
  /** Every invoice the payment may pay, oldest due first (the order an amount is spread in). */
  invoices: z.array(invoiceSchema).min(1).max(50),
  /** What they owe together. */
  total: minorAmountSchema,
  /** The smallest card or bank charge Stripe takes in this currency. */
  minimumCharge: minorAmountSchema,
  /** Name and zip from the customer's billing details, to prefill the form (null for guests). */
  billingName: text(200).nullable(),
  billingPostalCode: text(20).nullable(),
  /** Live mode only: Stripe.js needs the publishable key for the Payment Element. */
  publishableKey: z.string().max(255).nullable(),
});
export type PaymentStart = z.infer<typeof paymentStartSchema>;

export const billingUpdateSchema = z
  .object({
    email: emailSchema,
    phone: z
      .string()
      .trim()
      .regex(/^\+?[\d ()-]{7,20}$/, 'enter a phone number'),
    address: z.object({
      line1: z.string().trim().min(1, 'enter the street address').max(200),
      line2: z.string().trim().max(200),
      city: z.string().trim().min(1, 'enter the city').max(100),
      state: z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2}$/, 'use the 2-letter state code'),
      postalCode: postalCodeSchema,
      country: z
        .string()
        .trim()
        .regex(/^[A-Z]{2}$/, 'use the 2-letter country code'),
    }),
  })
  .strict();
export type BillingUpdate = z.infer<typeof billingUpdateSchema>;

export const pendingVerificationSchema = z.object({
  attemptId: idSchema,
  invoiceId: idSchema,
  invoiceNumber: text(100).nullable(),
  amount: minorAmountSchema,
  currency: currencySchema,
  bankName: text(100).nullable(),
  last4: z.string().nullable(),
  arrivalDate: z.number().int().nullable(),
});
export type PendingVerification = z.infer<typeof pendingVerificationSchema>;

// ---------------------------------------------------------------------------------------------
// Entries are built with this helper.

export interface ContractEntry<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly channel: `${string}:${string}`;
  readonly roles: readonly Role[];
  readonly request: Req;
  readonly response: Res;
}

export function entry<Req extends z.ZodType, Res extends z.ZodType>(
  channel: `${string}:${string}`,
  roles: readonly Role[],
  request: Req,
  response: Res,
): ContractEntry<Req, Res> {
  return { channel, roles, request, response };
}

export const EVERYONE = ROLES;
export const CUSTOMER = ['customer'] as const;
/** A payer: a signed-in customer, or a guest paying the one invoice they opened. */
export const PAYER = ['customer', 'guest'] as const;
/** Front-desk staff. */
export const STAFF = ['clerk', 'manager'] as const;
export const MANAGER = ['manager'] as const;
