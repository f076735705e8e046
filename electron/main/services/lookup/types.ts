import type { Address, InvoiceStatus } from '../../../shared/contract';

export type CustomerMatch = 'name' | 'email' | 'phone' | 'address';

export interface CustomerHit {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: Address | null;
  /** Which field matched best. */
  matchedOn: CustomerMatch;
  /** The whole value (or every typed word) matched exactly, not just as a prefix. */
  exact: boolean;
  /** Latest invoice or payment time (unix seconds), or null when there is none. */
  lastActivityAt: number | null;
}

export interface InvoiceHit {
  id: string;
  number: string | null;
  customerId: string;
  customerName: string | null;
  status: InvoiceStatus;
  currency: string;
  total: number;
  amountRemaining: number;
  /** Unix seconds. */
  issuedAt: number;
  exact: boolean;
}

export interface LookupResult {
  customers: CustomerHit[];
  invoices: InvoiceHit[];
}

export interface SearchOptions {
  /** Per list; default 20, at most 50. */
  limit?: number;
}
