/**
 * The IPC contract: the single source of truth for every call between the renderer and the main
 * process. Each entry has a `domain:verb` channel, the roles that may call it, and zod schemas for
 * the request and the response. Main parses every request with these schemas; the preload and the
 * browser preview build `window.portal` from this object. No Node, no DOM in this folder.
 */
import { z } from 'zod';
import { currencySchema, minorAmountSchema } from './money';

export const ROLES = ['public', 'customer', 'clerk', 'manager'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const ERROR_CODES = [
  'invalid_request',
  'unknown_channel',
  'unauthenticated',
  'forbidden',
  'not_found',
  'locked',
  'stripe_unavailable',
  'stripe_error',
  'payment_failed',
  'conflict',
  'internal',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const portalErrorSchema = z.object({
  code: errorCodeSchema,
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
const text = (max: number) => z.string().max(max);
const empty = z.object({}).strict();

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

export const INVOICE_STATUSES = [
  'draft',
  'open',
  'overdue',
  'partially_paid',
  'processing',
  'paid',
  'void',
  'uncollectible',
] as const;
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

export const appInfoSchema = z.object({
  version: text(40),
  trainingMode: z.boolean(),
  stationId: text(64),
  kiosk: z.boolean(),
  idleTimeoutSeconds: z.number().int().positive(),
  /** Shown on the sign-in screen in training mode only; empty otherwise. */
  demoSignIns: z.array(demoSignInSchema),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const sessionSchema = z.object({
  role: roleSchema,
  customer: customerSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

// ---------------------------------------------------------------------------------------------
// Entries.

export interface ContractEntry<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly channel: `${string}:${string}`;
  readonly roles: readonly Role[];
  readonly request: Req;
  readonly response: Res;
}

function entry<Req extends z.ZodType, Res extends z.ZodType>(
  channel: `${string}:${string}`,
  roles: readonly Role[],
  request: Req,
  response: Res,
): ContractEntry<Req, Res> {
  return { channel, roles, request, response };
}

const EVERYONE = ROLES;
const CUSTOMER = ['customer'] as const;

export const contract = {
  appInfo: entry('app:info', EVERYONE, empty, appInfoSchema),
  currentSession: entry('session:current', EVERYONE, empty, sessionSchema),
  signIn: entry(
    'session:signIn',
    ['public', 'customer'],
    z.object({ email: emailSchema, password: z.string().min(1, 'enter your password').max(200) }).strict(),
    sessionSchema,
  ),
  signOut: entry('session:signOut', EVERYONE, empty, sessionSchema),
  listInvoices: entry(
    'invoices:list',
    CUSTOMER,
    empty,
    z.object({ invoices: z.array(invoiceSchema), asOf: z.number().int() }),
  ),
  getInvoice: entry('invoices:get', CUSTOMER, z.object({ invoiceId: idSchema }).strict(), invoiceDetailSchema),
} as const satisfies Record<string, ContractEntry>;

export type Contract = typeof contract;
export type EntryName = keyof Contract;
export type RequestOf<K extends EntryName> = z.input<Contract[K]['request']>;
export type ResponseOf<K extends EntryName> = z.infer<Contract[K]['response']>;

/** Main → renderer pushes. Subscribed to with `portal.on<Name>(callback)`, which returns an unsubscribe. */
export const events = {
  sessionEnded: { channel: 'event:sessionEnded', payload: z.object({ reason: z.enum(['signed_out', 'idle', 'expired']) }) },
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
export const channelToEntry: ReadonlyMap<string, EntryName> = new Map(
  entryNames.map((name) => [contract[name].channel, name]),
);

export function subscriberName<K extends EventName>(name: K): EventSubscriberName<K> {
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as EventSubscriberName<K>;
}
