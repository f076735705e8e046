import { AppError } from '../errors';

/** Who is paying: a signed-in customer, or a guest limited to one invoice of one customer. */
export type Payer =
  | { kind: 'customer'; customerId: string }
  | { kind: 'guest'; customerId: string; invoiceId: string }
  | { kind: 'staff'; staffId: string; customerId: null };

export function assertCanSeeInvoice(payer: Payer, invoice: { id: string; customerId: string }): void {
  const ok =
    payer.kind === 'staff' ||
    (payer.kind === 'customer' && invoice.customerId === payer.customerId) ||
    (payer.kind === 'guest' && invoice.id === payer.invoiceId && invoice.customerId === payer.customerId);
  // Another customer's invoice reads exactly like one that does not exist.
  if (!ok) throw AppError.because('invoice_not_found');
}
