/**
 * The front desk's contract entries (staff sign-in, lookup, card-present, cash and check, refunds,
 * receipts, the queue, the end-of-day report). Merged into `contract` in contract.ts.
 */
import type { z } from 'zod';
import type { ContractEntry } from './contract-schemas';

export const deskEntries = {} as const satisfies Record<string, ContractEntry>;

export const deskEvents = {} as const satisfies Record<string, { channel: string; payload: z.ZodType }>;
