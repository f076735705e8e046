/**
 * The IPC contract: the single source of truth for every call between the renderer and the main
 * process. Each entry has a `domain:verb` channel, the roles that may call it, and zod schemas for
 * the request and the response. Main parses every request with these schemas; the preload and the
 * browser preview build `window.portal` from this object. No Node, no DOM in this folder.
 *
 * Value schemas live in contract-schemas.ts; the front desk's entries in contract-desk.ts.
 */
import { z } from 'zod';
import {
  appInfoSchema,
  billingUpdateSchema,
  connectivitySchema,
  customerSchema,
  emailSchema,
  empty,
  entry,
  EVERYONE,
  CUSTOMER,
  PAYER,
  idSchema,
  invoiceDetailSchema,
  invoiceSchema,
  newBankAccountSchema,
  newCardSchema,
  paymentOutcomeSchema,
  paymentStartSchema,
  paymentSummarySchema,
  paymentTypeSchema,
  pendingVerificationSchema,
  postalCodeSchema,
  savedMethodsSchema,
  sessionSchema,
  type ContractEntry,
  type Result,
} from './contract-schemas';
import { nameOnAccountSchema, paymentAmountSchema } from './contract-schemas';
import { deskEntries, deskEvents } from './contract-desk';

export * from './contract-schemas';

const payCommon = {
  attemptId: idSchema,
  amount: paymentAmountSchema,
  nameOnAccount: nameOnAccountSchema,
  postalCode: postalCodeSchema,
};
// ---------------------------------------------------------------------------------------------
// Entries.

export const contract = {
  appInfo: entry('app:info', EVERYONE, empty, appInfoSchema),
  currentSession: entry('session:current', EVERYONE, empty, sessionSchema),
  connectivity: entry('app:connectivity', EVERYONE, empty, connectivitySchema),
  signIn: entry(
    'session:signIn',
    ['public', 'customer', 'guest'],
    z.object({ email: emailSchema, password: z.string().min(1, 'enter your password').max(200) }).strict(),
    sessionSchema,
  ),
  signOut: entry('session:signOut', EVERYONE, empty, sessionSchema),
  listInvoices: entry('invoices:list', CUSTOMER, empty, z.object({ invoices: z.array(invoiceSchema), asOf: z.number().int() })),
  getInvoice: entry('invoices:get', PAYER, z.object({ invoiceId: idSchema }).strict(), invoiceDetailSchema),

  /** Guest pay: invoice number + billing zip code. Five wrong tries lock that invoice for 15 minutes. */
  guestFindInvoice: entry(
    'guest:findInvoice',
    ['public', 'guest'],
    z.object({ invoiceNumber: z.string().trim().min(1, 'enter the invoice number').max(40), postalCode: postalCodeSchema }).strict(),
    sessionSchema,
  ),
  /** Guest pay from the invoice's printed QR code / payment link (the scanner types it like a keyboard). */
  guestOpenLink: entry(
    'guest:openLink',
    ['public', 'guest'],
    z.object({ link: z.string().trim().min(1).max(500) }).strict(),
    sessionSchema,
  ),

  listPayments: entry('payments:list', CUSTOMER, empty, z.object({ payments: z.array(paymentSummarySchema), asOf: z.number().int() })),
  listMethods: entry('methods:list', PAYER, empty, savedMethodsSchema),
  setAutopay: entry('methods:setAutopay', CUSTOMER, z.object({ enabled: z.boolean() }).strict(), savedMethodsSchema),
  setDefaultMethod: entry('methods:setDefault', CUSTOMER, z.object({ paymentMethodId: idSchema }).strict(), savedMethodsSchema),
  removeMethod: entry('methods:remove', CUSTOMER, z.object({ paymentMethodId: idSchema }).strict(), savedMethodsSchema),

  /**
   * Opens the payment page for one invoice or several (one payment: an amount is spread oldest due
   * first): a new payment whose idempotency keys are stored before any charge.
   */
  startPayment: entry(
    'payments:start',
    PAYER,
    z
      .object({ invoiceId: idSchema.optional(), invoiceIds: z.array(idSchema).min(1).max(50).optional() })
      .strict()
      .refine((r) => (r.invoiceId ? 1 : 0) + (r.invoiceIds ? 1 : 0) === 1, 'give invoiceId or invoiceIds'),
    paymentStartSchema,
  ),
  paySaved: entry('payments:paySaved', CUSTOMER, z.object({ ...payCommon, paymentMethodId: idSchema }).strict(), paymentOutcomeSchema),
  /** Training mode only: the card number goes straight to the sandbox, never stored or logged. */
  payNewCard: entry(
    'payments:payNewCard',
    PAYER,
    z.object({ ...payCommon, saveForAutopay: z.boolean(), card: newCardSchema }).strict(),
    paymentOutcomeSchema,
  ),
  payNewBankAccount: entry(
    'payments:payNewBankAccount',
    PAYER,
    z
      .object({
        ...payCommon,
        saveForAutopay: z.boolean(),
        bankAccount: newBankAccountSchema,
        mandateAccepted: z.literal(true, 'please read and accept the authorization'),
      })
      .strict(),
    paymentOutcomeSchema,
  ),
  /** Live mode: the Payment Element confirms in the renderer with this client secret; then `completePayment`. */
  createPaymentIntent: entry(
    'payments:createIntent',
    PAYER,
    z.object({ ...payCommon, paymentType: paymentTypeSchema, saveForAutopay: z.boolean() }).strict(),
    z.object({ clientSecret: z.string().max(500) }),
  ),
  completePayment: entry('payments:complete', PAYER, z.object({ attemptId: idSchema }).strict(), paymentOutcomeSchema),
  /** Hand-entered bank accounts waiting for their code: the customer's, or (guest) this invoice's. */
  pendingVerifications: entry('payments:pendingVerifications', PAYER, empty, z.object({ pending: z.array(pendingVerificationSchema) })),
  verifyMicrodeposits: entry(
    'payments:verifyMicrodeposits',
    PAYER,
    z
      .object({
        attemptId: idSchema,
        code: z
          .string()
          .trim()
          .regex(/^SM[A-Z0-9]{4}$/i, 'the code has 6 characters and starts with SM'),
      })
      .strict(),
    paymentOutcomeSchema,
  ),

  /** Update Information: billing address, email, phone, saved to the Stripe customer. */
  updateBilling: entry('customer:updateBilling', CUSTOMER, billingUpdateSchema, customerSchema),
  ...deskEntries,
} as const satisfies Record<string, ContractEntry>;

export type Contract = typeof contract;
export type EntryName = keyof Contract;
export type RequestOf<K extends EntryName> = z.input<Contract[K]['request']>;
export type ResponseOf<K extends EntryName> = z.infer<Contract[K]['response']>;

/** Main → renderer pushes. Subscribed to with `portal.on<Name>(callback)`, which returns an unsubscribe. */
export const events = {
  sessionEnded: { channel: 'event:sessionEnded', payload: z.object({ reason: z.enum(['signed_out', 'idle', 'expired']) }) },
  connectivityChanged: { channel: 'event:connectivity', payload: connectivitySchema },
  /** A payment whose answer was lost has been settled in the background: its true outcome, to the window that made it. */
  paymentSettled: { channel: 'event:paymentSettled', payload: paymentOutcomeSchema },
  ...deskEvents,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.infer<Events[K]['payload']>;

export type EventSubscriberName<K extends string> = `on${Capitalize<K>}`;

/** The shape of `window.portal`: one function per contract entry, one subscriber per event. */
export type PortalApi = {
  [K in EntryName]: (request: RequestOf<K>) => Promise<Result<ResponseOf<K>>>;
} & {
  [K in EventName as EventSubscriberName<K>]: (callback: (payload: EventPayload<K>) => void) => () => void;
};

export const entryNames = Object.keys(contract) as EntryName[];
export const eventNames = Object.keys(events) as EventName[];
export const channelToEntry: ReadonlyMap<string, EntryName> = new Map(entryNames.map((name) => [contract[name].channel, name]));

export function subscriberName<K extends EventName>(name: K): EventSubscriberName<K> {
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as EventSubscriberName<K>;
}
