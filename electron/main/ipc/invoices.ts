import type { InvoicesService } from '../services/invoices/invoices-service';
import { AppError } from '../services/errors';
import type { CallContext, Handlers } from './dispatcher';

/** The customer id always comes from the caller's session, never from the request. */
export function customerIdOf(ctx: CallContext): string {
  if (!ctx.session.customerId) throw new AppError('unauthenticated', 'Please sign in first.');
  return ctx.session.customerId;
}

export const invoiceHandlers = (invoices: InvoicesService): Pick<Handlers, 'listInvoices' | 'getInvoice'> => ({
  listInvoices: async (_req, ctx) => invoices.listForCustomer(customerIdOf(ctx)),
  getInvoice: async (req, ctx) => invoices.getForCustomer(customerIdOf(ctx), req.invoiceId),
});
