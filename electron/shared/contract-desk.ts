/**
 * The front desk's contract entries (staff sign-in, lookup, card-present, cash and check, refunds,
 * receipts, the queue, the end-of-day report) and the kiosk → desk hand-off. Merged into `contract`
 * in contract.ts.
 */
import { z } from 'zod';
import {
  customerSchema,
  empty,
  entry,
  EVERYONE,
  idSchema,
  invoiceSchema,
  invoiceStatusSchema,
  MANAGER,
  methodSummarySchema,
  paymentAmountSchema,
  paymentSummarySchema,
  STAFF,
  text,
  type ContractEntry,
} from './contract-schemas';
import { drawerEntries } from './contract-drawer';
import { currencySchema, minorAmountSchema } from './money';

// ---------------------------------------------------------------------------------------------
// Values.

export const STAFF_ROLES = ['clerk', 'manager'] as const;
export const staffRoleSchema = z.enum(STAFF_ROLES);
export const pinSchema = z.string().regex(/^\d{4,8}$/, 'the PIN has 4 to 8 digits');
export const staffNameSchema = z.string().trim().min(2, 'enter the name').max(80);

export const staffSchema = z.object({
  id: idSchema,
  name: text(80),
  role: staffRoleSchema,
  active: z.boolean(),
  /** Unix milliseconds. */
  createdAt: z.number().int(),
});
export type StaffMember = z.infer<typeof staffSchema>;

export const deskSessionSchema = z.object({ staff: staffSchema, stationId: text(64) });

export const auditEntrySchema = z.object({
  id: z.number().int(),
  /** Unix milliseconds. */
  at: z.number().int(),
  stationId: text(64),
  staffId: text(255).nullable(),
  staffName: text(80).nullable(),
  action: text(60),
  subjectId: text(255).nullable(),
  amount: z.number().int().nullable(),
  currency: text(3).nullable(),
  detail: text(2000).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const customerHitSchema = customerSchema.extend({
  matchedOn: z.enum(['name', 'email', 'phone', 'address']),
  exact: z.boolean(),
  lastActivityAt: z.number().int().nullable(),
});
export const invoiceHitSchema = z.object({
  id: idSchema,
  number: text(100).nullable(),
  customerId: idSchema,
  customerName: text(200).nullable(),
  status: invoiceStatusSchema,
  currency: currencySchema,
  total: minorAmountSchema,
  amountRemaining: minorAmountSchema,
  issuedAt: z.number().int(),
  exact: z.boolean(),
});

export const readerSchema = z.object({
  id: idSchema,
  label: text(200),
  status: z.enum(['online', 'offline', 'unknown']),
  model: text(60),
  simulated: z.boolean(),
  /** What the reader is doing now (null: idle). */
  busy: z.boolean(),
});

/** Card-present EMV data for the receipt (Stripe's charge.payment_method_details.card_present.receipt). */
export const emvFieldsSchema = z.object({
  applicationPreferredName: text(64).nullable(),
  dedicatedFileName: text(64).nullable(),
  authorizationCode: text(20).nullable(),
  authorizationResponseCode: text(8).nullable(),
  accountType: text(20).nullable(),
  applicationCryptogram: text(64).nullable(),
  terminalVerificationResults: text(20).nullable(),
  transactionStatusInformation: text(8).nullable(),
  readMethod: text(40).nullable(),
});

export const CARD_PAYMENT_STAGES = ['sending', 'waiting_for_card', 'capturing', 'succeeded', 'failed', 'canceled', 'unknown'] as const;
export const cardPaymentSchema = z.object({
  paymentId: idSchema,
  readerId: idSchema,
  status: z.enum(CARD_PAYMENT_STAGES),
  amount: minorAmountSchema,
  currency: currencySchema,
  customerId: idSchema,
  invoiceId: idSchema.nullable(),
  paymentIntentId: idSchema.nullable(),
  brand: text(40).nullable(),
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  receipt: emvFieldsSchema.nullable(),
  /** The confirmation number for the customer (the PaymentIntent id) once it succeeded. */
  confirmation: idSchema.nullable(),
  /** Why it did not go through, in plain words (failed, canceled, unknown). */
  message: text(500).nullable(),
  code: text(60).nullable(),
  /** false when the money was taken but crediting the invoice must be retried. */
  invoiceAttached: z.boolean(),
});
export type CardPaymentView = z.infer<typeof cardPaymentSchema>;

export const checkNumberSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{1,20}$/, 'enter the check number');

export const TEST_CARD_CHOICES = [
  'visa',
  'mastercard',
  'amex',
  'declined',
  'insufficient_funds',
  'lost_card',
  'stolen_card',
  'expired',
  'processing_error',
] as const;

export const offlinePaymentResultSchema = z.object({
  paymentId: idSchema,
  queueId: idSchema,
  /**
   * sent: recorded at Stripe and credited to the invoice (on account: to the customer's balance);
   * queued: waits for the connection; review: stopped for a manager, see message.
   */
  status: z.enum(['sent', 'queued', 'review']),
  amount: minorAmountSchema,
  currency: currencySchema,
  message: text(500).nullable(),
});

export const printAnswerSchema = z.object({
  printed: z.boolean(),
  /** The job waits in the queue and prints when the printer is back. */
  queued: z.boolean(),
  message: text(300).nullable(),
});

export const REPORT_METHODS = ['card', 'card_present', 'us_bank_account', 'cash', 'check'] as const;
export const REPORT_STATUSES = ['succeeded', 'processing', 'queued', 'failed', 'refunded'] as const;
const tally = { count: z.number().int().min(0), amount: z.number().int() };
export const reportSchema = z.object({
  date: text(10),
  scope: z.enum(['station', 'office']),
  stationId: text(64),
  timeZone: text(64),
  currency: currencySchema,
  /** The day in unix seconds, [from, to). */
  from: z.number().int(),
  to: z.number().int(),
  /** Money taken (succeeded + processing + queued), and refunds of that day's payments. */
  total: z.object(tally),
  refunds: z.object(tally),
  /** total minus refunds. */
  net: z.number().int(),
  byMethod: z.array(z.object({ method: z.enum(REPORT_METHODS), ...tally })),
  byStaff: z.array(z.object({ staffId: text(255).nullable(), name: text(80), ...tally })),
  byStatus: z.array(z.object({ status: z.enum(REPORT_STATUSES), ...tally })),
  notes: z.array(text(300)),
});
export type DeskReport = z.infer<typeof reportSchema>;
const reportRequest = z
  .object({
    /** Omitted: today at the station (its time zone, not the screen's). */
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
      .optional(),
    scope: z.enum(['station', 'office']),
  })
  .strict();
/** Why the report did not print (the receipt printer's answers); the report is never queued. */
export const REPORT_PRINT_PROBLEMS = ['no_printer', 'printer_offline', 'printer_timeout', 'out_of_paper', 'print_failed'] as const;
export type ReportPrintProblem = (typeof REPORT_PRINT_PROBLEMS)[number];
export const reportPrintAnswerSchema = z.object({
  printed: z.boolean(),
  problem: z.enum(REPORT_PRINT_PROBLEMS).nullable(),
  /** main's words for the problem (English). */
  message: text(300).nullable(),
});
export type ReportPrintAnswer = z.infer<typeof reportPrintAnswerSchema>;

export const helpRequestSchema = z.object({
  id: idSchema,
  stationId: text(64),
  customerId: idSchema.nullable(),
  customerName: text(200).nullable(),
  invoiceId: idSchema.nullable(),
  invoiceNumber: text(100).nullable(),
  note: text(300).nullable(),
  /** Unix milliseconds. */
  requestedAt: z.number().int(),
});

export const QUEUE_STATES = ['queued', 'sending', 'succeeded', 'failed', 'needs_review', 'canceled'] as const;
export const queueItemSchema = z.object({
  id: idSchema,
  kind: z.enum(['saved_method_charge', 'cash', 'check', 'address_update', 'receipt_print']),
  customerId: idSchema.nullable(),
  customerName: text(200).nullable(),
  amount: z.number().int().nullable(),
  currency: text(3).nullable(),
  state: z.enum(QUEUE_STATES),
  attempts: z.number().int(),
  lastError: text(500).nullable(),
  reviewReason: text(500).nullable(),
  /** Unix milliseconds. */
  createdAt: z.number().int(),
});

const staffRef = z
  .object({ staffId: idSchema.optional(), name: staffNameSchema.optional(), pin: pinSchema })
  .strict()
  .refine((r) => Boolean(r.staffId ?? r.name), { message: 'choose who is signing in', path: ['name'] });

// ---------------------------------------------------------------------------------------------
// Entries.

export const deskEntries = {
  /** Whether this station has any staff yet (the first start asks for a manager). */
  deskSetupStatus: entry('desk:setupStatus', EVERYONE, empty, z.object({ hasStaff: z.boolean() })),
  /** Works only while there are no staff at all; signs the new manager in. */
  deskCreateFirstManager: entry(
    'desk:createFirstManager',
    ['public'],
    z.object({ name: staffNameSchema, pin: pinSchema }).strict(),
    deskSessionSchema,
  ),
  /** PIN sign-in; 10 wrong PINs lock that staff member for 30 minutes. */
  deskSignIn: entry('desk:signIn', ['public', 'clerk', 'manager'], staffRef, deskSessionSchema),
  deskSignOut: entry('desk:signOut', STAFF, empty, z.object({ signedOut: z.boolean() })),
  deskAddStaff: entry(
    'desk:addStaff',
    MANAGER,
    z.object({ name: staffNameSchema, pin: pinSchema, role: staffRoleSchema }).strict(),
    staffSchema,
  ),
  deskListStaff: entry('desk:listStaff', MANAGER, empty, z.object({ staff: z.array(staffSchema) })),
  deskSetStaffActive: entry('desk:setStaffActive', MANAGER, z.object({ staffId: idSchema, active: z.boolean() }).strict(), staffSchema),
  deskAudit: entry(
    'desk:audit',
    MANAGER,
    z.object({ limit: z.number().int().min(1).max(500), before: z.number().int().positive().optional() }).strict(),
    z.object({ entries: z.array(auditEntrySchema) }),
  ),

  deskSearch: entry(
    'desk:search',
    STAFF,
    z.object({ query: z.string().max(200, 'search text is too long (200 characters at most)') }).strict(),
    z.object({ customers: z.array(customerHitSchema), invoices: z.array(invoiceHitSchema), asOf: z.number().int().nullable() }),
  ),
  deskCustomer: entry(
    'desk:customer',
    STAFF,
    z.object({ customerId: idSchema }).strict(),
    z.object({
      customer: customerSchema,
      invoices: z.array(invoiceSchema),
      payments: z.array(paymentSummarySchema),
      methods: z.array(methodSummarySchema.extend({ id: idSchema, isDefault: z.boolean() })),
      /**
       * Stripe's customer balance as of the local copy (negative: account credit Stripe applies to the
       * next invoice; positive: owed and added to it). null: not known yet.
       */
      balance: z.object({ amount: z.number().int(), currency: currencySchema }).nullable(),
      asOf: z.number().int().nullable(),
    }),
  ),

  deskReaders: entry('desk:readers', STAFF, empty, z.object({ readers: z.array(readerSchema), chosenReaderId: idSchema.nullable() })),
  deskRegisterReader: entry(
    'desk:registerReader',
    MANAGER,
    z
      .object({
        registrationCode: z.string().trim().min(1, 'enter the code shown on the reader').max(100),
        label: z.string().trim().min(1).max(100),
      })
      .strict(),
    readerSchema,
  ),
  deskChooseReader: entry('desk:chooseReader', STAFF, z.object({ readerId: idSchema }).strict(), z.object({ chosenReaderId: idSchema })),
  /**
   * Starts a card-present payment on the chosen reader. Answers once the reader waits for the card
   * (or refuses: busy, offline); progress then comes as `deskPaymentUpdate` events and `desk:cardPayment`.
   */
  deskTakeCardPayment: entry(
    'desk:takeCardPayment',
    STAFF,
    z.object({ invoiceId: idSchema.nullable(), customerId: idSchema, amount: paymentAmountSchema }).strict(),
    cardPaymentSchema,
  ),
  deskCardPayment: entry('desk:cardPayment', STAFF, z.object({ paymentId: idSchema }).strict(), cardPaymentSchema),
  /** A payment whose answer was lost (network): tried again with its same keys, so never charged twice. */
  deskRetryCardPayment: entry('desk:retryCardPayment', STAFF, z.object({ paymentId: idSchema }).strict(), cardPaymentSchema),
  deskCancelCardPayment: entry(
    'desk:cancelCardPayment',
    STAFF,
    z.object({ readerId: idSchema }).strict(),
    z.object({ canceled: z.boolean() }),
  ),
  deskPresentTestCard: entry(
    'desk:presentTestCard',
    STAFF,
    z.object({ readerId: idSchema, card: z.enum(TEST_CARD_CHOICES) }).strict(),
    z.object({ presented: z.boolean() }),
  ),

  deskRecordCash: entry(
    'desk:recordCash',
    STAFF,
    z.object({ invoiceId: idSchema, amount: paymentAmountSchema }).strict(),
    offlinePaymentResultSchema,
  ),
  deskRecordCheck: entry(
    'desk:recordCheck',
    STAFF,
    z
      .object({
        invoiceId: idSchema,
        amount: paymentAmountSchema,
        checkNumber: checkNumberSchema,
      })
      .strict(),
    offlinePaymentResultSchema,
  ),
  /**
   * Cash or a check on account (no invoice): reported to Stripe as a payment record for the customer,
   * then credited to the customer's balance, which Stripe applies to their next invoice. Through the
   * durable queue like any cash: works offline, sent once. (A card on account: `desk:takeCardPayment`
   * with `invoiceId: null`.)
   */
  deskRecordOnAccount: entry(
    'desk:recordOnAccount',
    STAFF,
    z.discriminatedUnion('method', [
      z.object({ method: z.literal('cash'), customerId: idSchema, amount: paymentAmountSchema }).strict(),
      z.object({ method: z.literal('check'), customerId: idSchema, amount: paymentAmountSchema, checkNumber: checkNumberSchema }).strict(),
    ]),
    offlinePaymentResultSchema,
  ),
  /** What is still refundable of a payment (the refund dialog's default and limit). */
  deskRefundable: entry(
    'desk:refundable',
    MANAGER,
    z.object({ paymentIntentId: idSchema }).strict(),
    z.object({ amount: minorAmountSchema, refundable: minorAmountSchema, currency: currencySchema }),
  ),
  deskRefund: entry(
    'desk:refund',
    MANAGER,
    z
      .object({
        /** One per refund dialog (a UUID): submitting it again never refunds twice. */
        requestId: z.string().uuid('start the refund again'),
        paymentIntentId: idSchema,
        /** Cents; left out = everything still refundable. */
        amount: paymentAmountSchema.optional(),
        reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']),
      })
      .strict(),
    z.object({ refundId: idSchema, amount: minorAmountSchema, currency: currencySchema, status: text(40).nullable() }),
  ),

  deskPrintReceipt: entry('desk:printReceipt', STAFF, z.object({ paymentId: idSchema }).strict(), printAnswerSchema),
  deskReprintReceipt: entry('desk:reprintReceipt', STAFF, z.object({ paymentId: idSchema }).strict(), printAnswerSchema),
  deskReceiptPdf: entry(
    'desk:receiptPdf',
    STAFF,
    z.object({ paymentId: idSchema }).strict(),
    z.object({ base64: z.string().max(2_000_000) }),
  ),
  deskEmailReceipt: entry(
    'desk:emailReceipt',
    STAFF,
    z.object({ paymentId: idSchema }).strict(),
    z.object({ sent: z.boolean(), message: text(300).nullable() }),
  ),

  /** Kiosk: print the receipt of a payment made in this session (its own attempt only). */
  kioskPrintReceipt: entry('payments:printReceipt', ['customer', 'guest'], z.object({ attemptId: idSchema }).strict(), printAnswerSchema),
  /** Kiosk: e-mail that receipt to the customer's address on file; `to` is the address masked (m***@example.com). */
  kioskEmailReceipt: entry(
    'payments:emailReceipt',
    ['customer', 'guest'],
    z.object({ attemptId: idSchema }).strict(),
    z.object({ sent: z.boolean(), message: text(300).nullable(), to: text(320).nullable() }),
  ),

  deskReport: entry('desk:report', MANAGER, reportRequest, reportSchema),
  deskReportPdf: entry('desk:reportPdf', MANAGER, reportRequest, z.object({ base64: z.string().max(4_000_000) })),
  deskReportCsv: entry('desk:reportCsv', MANAGER, reportRequest, z.object({ csv: z.string().max(1_000_000) })),
  /** Prints the report on this station's receipt printer (network or OS); never queued. */
  deskPrintReport: entry('desk:printReport', MANAGER, reportRequest, reportPrintAnswerSchema),

  /** Kiosk: "Get help". Carried through Stripe (invoice metadata) so any desk sees it. */
  helpRequest: entry(
    'help:request',
    ['public', 'guest', 'customer'],
    z.object({ invoiceId: idSchema.optional(), note: z.string().trim().max(300).optional() }).strict(),
    z.object({ id: idSchema, sharedWithDesk: z.boolean() }),
  ),
  deskHelpList: entry('desk:helpList', STAFF, empty, z.object({ requests: z.array(helpRequestSchema) })),
  deskResolveHelp: entry('desk:resolveHelp', STAFF, z.object({ id: idSchema }).strict(), z.object({ resolved: z.boolean() })),

  deskQueue: entry('desk:queue', STAFF, empty, z.object({ items: z.array(queueItemSchema) })),
  deskRetryQueued: entry('desk:retryQueued', STAFF, z.object({ id: idSchema }).strict(), queueItemSchema),
  deskCancelQueued: entry(
    'desk:cancelQueued',
    MANAGER,
    z.object({ id: idSchema, reason: z.string().trim().min(3, 'say why').max(300) }).strict(),
    queueItemSchema,
  ),
  /**
   * For deployments that drive the reader from the renderer with `@stripe/terminal-js`: a Terminal
   * connection token, created by main (the secret key never leaves main).
   */
  deskTerminalConnectionToken: entry('desk:terminalConnectionToken', STAFF, empty, z.object({ secret: z.string().min(1).max(500) })),
  /** `terminalDriver: 'js'`: the reader this station's Terminal JS SDK connects to (remembered per station). */
  deskTerminalJsReader: entry('desk:terminalJsReader', STAFF, empty, z.object({ chosenReaderId: idSchema.nullable() })),
  deskChooseTerminalJsReader: entry(
    'desk:chooseTerminalJsReader',
    STAFF,
    z.object({ readerId: idSchema }).strict(),
    z.object({ chosenReaderId: idSchema }),
  ),
  /**
   * `terminalDriver: 'js'`: creates the card_present PaymentIntent (manual capture, checked against
   * the invoice like `desk:takeCardPayment`). Answers only the attempt id and the client secret the
   * SDK's collectPaymentMethod needs; capture and cancel stay with main.
   */
  deskCreateTerminalJsPayment: entry(
    'desk:createTerminalJsPayment',
    STAFF,
    z.object({ invoiceId: idSchema.nullable(), customerId: idSchema, amount: paymentAmountSchema, readerId: idSchema.nullable() }).strict(),
    z.object({ attemptId: idSchema, clientSecret: z.string().min(1).max(500) }).strict(),
  ),
  /** After the SDK's processPayment: captures (only an approved intent) and credits the invoice. A settled attempt answers with its record. */
  deskCaptureTerminalJsPayment: entry(
    'desk:captureTerminalJsPayment',
    STAFF,
    z.object({ attemptId: idSchema }).strict(),
    cardPaymentSchema,
  ),
  /** Cancels the intent unless it was captured (a decline, Cancel, a reader that dropped off). A settled attempt answers with its record. */
  deskCancelTerminalJsPayment: entry('desk:cancelTerminalJsPayment', STAFF, z.object({ attemptId: idSchema }).strict(), cardPaymentSchema),

  /** The cash drawer (contract-drawer.ts). */
  ...drawerEntries,
} as const satisfies Record<string, ContractEntry>;

export const deskEvents = {
  /** Progress of a card-present payment, to the desk window that started it. */
  deskPaymentUpdate: { channel: 'event:deskPaymentUpdate', payload: cardPaymentSchema },
} as const satisfies Record<string, { channel: string; payload: z.ZodType }>;
