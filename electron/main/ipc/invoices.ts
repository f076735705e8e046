import type { InvoicesService } from '../services/invoices/invoices-service';
import { AppError } from '../services/errors';
import type { Payer } from '../services/payments/payer';
import type { CallContext, Handlers } from './dispatcher';

/** The customer id always comes from the caller's session, never from the request. */
export function customerIdOf(ctx: CallContext): string {
  if (ctx.session.role !== 'customer' || !ctx.session.customerId) throw AppError.because('sign_in_required');
  return ctx.session.customerId;
}

export function payerOf(ctx: CallContext): Payer {
  const { role, customerId, guestInvoiceId } = ctx.session;
  if (role === 'customer' && customerId) return { kind: 'customer', customerId };
  if (role === 'guest' && customerId && guestInvoiceId) return { kind: 'guest', customerId, invoiceId: guestInvoiceId };
  throw AppError.because('sign_in_required');
}

export const invoiceHandlers = (invoices: InvoicesService): Pick<Handlers, 'listInvoices' | 'getInvoice'> => ({
  listInvoices: async (_req, ctx) => invoices.listForCustomer(customerIdOf(ctx)),
  getInvoice: async (req, ctx) => invoices.getForPayer(payerOf(ctx), req.invoiceId),
});
