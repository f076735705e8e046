/**
 * The cash drawer's contract entries (one drawer session per station: open with a counted float, cash
 * sales with the change given, paid-in and paid-out, "No sale", close with a denomination count) and
 * the denominations the close grid counts. Spread into `deskEntries` (contract-desk.ts).
 *
 * Amounts are numbers here and checked by the drawer service, so a negative amount or one that is
 * not whole cents gets its own reason (drawer_amount_negative, drawer_amount_not_cents), not the
 * generic "check what you entered".
 */
import { z } from 'zod';
import { entry, idSchema, MANAGER, STAFF, text, type ContractEntry } from './contract-schemas';
import { currencySchema } from './money';

/** US bills and coins as the close grid lists them, largest first: value in cents. */
export const DRAWER_DENOMINATIONS = [
  { value: 10_000, kind: 'bill' },
  { value: 5_000, kind: 'bill' },
  { value: 2_000, kind: 'bill' },
  { value: 1_000, kind: 'bill' },
  { value: 500, kind: 'bill' },
  { value: 200, kind: 'bill' },
  { value: 100, kind: 'bill' },
  { value: 100, kind: 'coin' },
  { value: 50, kind: 'coin' },
  { value: 25, kind: 'coin' },
  { value: 10, kind: 'coin' },
  { value: 5, kind: 'coin' },
  { value: 1, kind: 'coin' },
] as const;
export type DrawerDenomination = (typeof DRAWER_DENOMINATIONS)[number];
/** The key of a grid cell: "bill:2000", "coin:25". */
export const denominationKey = (d: { value: number; kind: 'bill' | 'coin' }): string => `${d.kind}:${d.value}`;
export const DENOMINATION_KEYS = DRAWER_DENOMINATIONS.map(denominationKey) as [string, ...string[]];

/** A counted or entered amount: any finite number here; the service refuses negatives and fractions of a cent. */
const amountInput = z.number().finite();
const reasonText = z.string().trim().min(3, 'say why').max(200);

export const DRAWER_MOVE_KINDS = ['float', 'sale', 'paid_in', 'paid_out', 'no_sale'] as const;
export const drawerMoveSchema = z.object({
  id: z.number().int(),
  kind: z.enum(DRAWER_MOVE_KINDS),
  /** Cents into (+) or out of (-) the drawer; 0 for "No sale". A sale is what stayed in the drawer (tendered − change). */
  amount: z.number().int(),
  tendered: z.number().int().nullable(),
  change: z.number().int().nullable(),
  paymentId: idSchema.nullable(),
  reason: text(200).nullable(),
  staffId: text(255).nullable(),
  staffName: text(80).nullable(),
  /** Unix milliseconds. */
  at: z.number().int(),
});

const tenderFigures = z.object({
  /** What the drawer should hold of this tender. */
  expected: z.number().int(),
  /** null while open. */
  counted: z.number().int().nullable(),
  /** counted − expected (null while open). */
  variance: z.number().int().nullable(),
});

export const drawerSchema = z.object({
  id: idSchema,
  stationId: text(64),
  status: z.enum(['open', 'closed']),
  currency: currencySchema,
  openedAt: z.number().int(),
  openedBy: text(80).nullable(),
  closedAt: z.number().int().nullable(),
  closedBy: text(80).nullable(),
  /** The manager who approved a variance over the limit (null: none needed). */
  approvedBy: text(80).nullable(),
  float: z.number().int(),
  /** Cash payments from the ledger taken at this station while the drawer was open. */
  cashSales: z.object({ count: z.number().int(), amount: z.number().int() }),
  checks: z.object({ count: z.number().int(), amount: z.number().int() }),
  /** What customers handed over and the change given back, for sales recorded through the drawer. */
  tendered: z.number().int(),
  changeGiven: z.number().int(),
  paidIn: z.number().int(),
  paidOut: z.number().int(),
  noSales: z.number().int(),
  cash: tenderFigures,
  check: tenderFigures,
  /** The denomination count at close ("bill:2000" → how many). */
  counts: z.record(z.string(), z.number().int()).nullable(),
  /** Above this (either way, per tender) closing needs a manager's PIN. */
  varianceLimit: z.number().int(),
  moves: z.array(drawerMoveSchema),
});
export type DrawerView = z.infer<typeof drawerSchema>;

const kickAnswer = z.object({
  /** The drawer-kick pulse reached the receipt printer. */
  kicked: z.boolean(),
  message: text(300).nullable(),
});

const cashSaleRequest = z.union([
  z.object({ invoiceId: idSchema, amount: amountInput, tendered: amountInput }).strict(),
  z.object({ customerId: idSchema, amount: amountInput, tendered: amountInput }).strict(),
]);

const managerApproval = z
  .object({ name: z.string().trim().min(2).max(80), pin: z.string().regex(/^\d{4,8}$/, 'the PIN has 4 to 8 digits') })
  .strict();

export const drawerEntries = {
  /** This station's open drawer (null: none open) and the settings the screen needs. */
  deskDrawer: entry(
    'desk:drawer',
    STAFF,
    z.object({}).strict(),
    z.object({ drawer: drawerSchema.nullable(), varianceLimit: z.number().int() }),
  ),
  deskOpenDrawer: entry('desk:openDrawer', STAFF, z.object({ float: amountInput }).strict(), drawerSchema),
  /**
   * Cash for an invoice (or on account) through the open drawer: refused with `drawer_not_open` when
   * no drawer is open here; records the payment (the same path as `desk:recordCash`), the tendered
   * amount and the change, and opens the drawer (kick pulse).
   */
  deskDrawerCash: entry(
    'desk:drawerCash',
    STAFF,
    cashSaleRequest,
    z.object({
      paymentId: idSchema,
      queueId: idSchema,
      status: z.enum(['sent', 'queued', 'review']),
      amount: z.number().int(),
      currency: currencySchema,
      message: text(500).nullable(),
      tendered: z.number().int(),
      change: z.number().int(),
      kick: kickAnswer,
    }),
  ),
  deskDrawerPaidIn: entry('desk:drawerPaidIn', STAFF, z.object({ amount: amountInput, reason: reasonText }).strict(), drawerSchema),
  deskDrawerPaidOut: entry('desk:drawerPaidOut', STAFF, z.object({ amount: amountInput, reason: reasonText }).strict(), drawerSchema),
  /** Opens the drawer with no sale (managers; audited). */
  deskDrawerNoSale: entry(
    'desk:drawerNoSale',
    MANAGER,
    z.object({ reason: reasonText }).strict(),
    z.object({ drawer: drawerSchema, kick: kickAnswer }),
  ),
  /**
   * Closes the drawer with the counted bills and coins (and the checks' total). A variance above the
   * limit needs `approval`: an active manager's name and PIN. Prints the close report (with the kick).
   */
  deskCloseDrawer: entry(
    'desk:closeDrawer',
    STAFF,
    z
      .object({
        drawerId: idSchema,
        counts: z.partialRecord(z.enum(DENOMINATION_KEYS), amountInput),
        checks: amountInput,
        approval: managerApproval.optional(),
      })
      .strict(),
    z.object({ drawer: drawerSchema, print: z.object({ printed: z.boolean(), message: text(300).nullable() }) }),
  ),
  deskDrawerReport: entry('desk:drawerReport', STAFF, z.object({ drawerId: idSchema }).strict(), drawerSchema),
  deskPrintDrawerReport: entry(
    'desk:printDrawerReport',
    STAFF,
    z.object({ drawerId: idSchema }).strict(),
    z.object({ printed: z.boolean(), message: text(300).nullable() }),
  ),
  deskDrawerReportPdf: entry(
    'desk:drawerReportPdf',
    STAFF,
    z.object({ drawerId: idSchema }).strict(),
    z.object({ base64: z.string().max(2_000_000) }),
  ),
} as const satisfies Record<string, ContractEntry>;
