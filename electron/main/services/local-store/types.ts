/**
 * The local copy's own record types (plain TypeScript, no zod: they never cross IPC as-is).
 * Card data is summaries only: brand, last four, expiry, bank name, default flag. Never a card number.
 */

export const PAYMENT_STATUSES = ['succeeded', 'processing', 'failed', 'refunded', 'queued', 'canceled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_METHOD_TYPES = ['card', 'us_bank_account', 'cash', 'check', 'card_present'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

export interface PaymentRecord {
  id: string;
  customerId: string;
  invoiceId: string | null;
  /** Integer minor units (cents). */
  amount: number;
  currency: string;
  status: PaymentStatus;
  method: { type: PaymentMethodType; brand?: string; last4?: string; bankName?: string };
  /** Unix seconds. */
  created: number;
  stationId: string | null;
  staffId: string | null;
}

/** Stripe's customer.balance: negative is credit applied to the next invoice, positive is owed. Minor units. */
export interface CustomerBalance {
  amount: number;
  currency: string | null;
}

/** A saved payment method as the front desk may see it. */
export interface PaymentMethodSummary {
  id: string;
  type: 'card' | 'us_bank_account';
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  bankName: string | null;
  isDefault: boolean;
}

/** Sync bookkeeping. Times are milliseconds since the epoch (Clock.now()). */
export interface SyncState {
  cursor: string | null;
  lastFullLoadAt: number | null;
  lastSyncAt: number | null;
}

/**
 * Last-write-wins ordering for upserts: a number that grows with the source's change time
 * (milliseconds; the sync passes Stripe's event `created` * 1000). Per row (`version` on the
 * record) or per call (`opts.version`); defaults to Clock.now().
 */
export type Versioned<T> = T & { version?: number };
export interface UpsertOptions {
  version?: number;
}
