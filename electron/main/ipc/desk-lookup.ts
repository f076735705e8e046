/** Desk IPC: customer / invoice lookup and one customer's file, from the local copy (works offline). */
import type { PaymentSummary } from '../../shared/contract';
import type { DeskServices } from '../desk/services';
import { AppError } from '../services/errors';
import type { Handlers } from './dispatcher';

export function deskLookupHandlers(s: DeskServices): Pick<Handlers, 'deskSearch' | 'deskCustomer'> {
  return {
    deskSearch: async (req) => {
      const found = s.lookup.search(req.query);
      return {
        customers: found.customers.map((c) => ({ id: c.id, name: c.name, email: c.email, phone: c.phone, address: c.address, matchedOn: c.matchedOn, exact: c.exact, lastActivityAt: c.lastActivityAt })),
        invoices: found.invoices,
        asOf: s.localStore.asOf(),
      };
    },
    deskCustomer: async (req) => {
      const { localStore } = s;
      const customer = localStore.getCustomer(req.customerId);
      if (!customer) throw new AppError('not_found', 'That customer is not in this station\u2019s copy yet.');
      const invoices = localStore.invoicesForCustomer(customer.id);
      const numbers = new Map(invoices.map((i) => [i.id, i.number]));
      const payments: PaymentSummary[] = localStore.paymentsForCustomer(customer.id).map((p) => ({
        id: p.id,
        created: p.created,
        amount: p.amount,
        currency: p.currency,
        status: p.status,
        method: { type: p.method.type, brand: p.method.brand ?? null, last4: p.method.last4 ?? null, bankName: p.method.bankName ?? null, expMonth: null, expYear: null },
        invoiceId: p.invoiceId,
        invoiceNumber: p.invoiceId ? (numbers.get(p.invoiceId) ?? null) : null,
      }));
      const methods = localStore.paymentMethodsForCustomer(customer.id).map((m) => ({
        id: m.id, type: m.type, brand: m.brand, last4: m.last4, bankName: m.bankName, expMonth: m.expMonth, expYear: m.expYear, isDefault: m.isDefault,
      }));
      return { customer, invoices, payments, methods, asOf: localStore.asOf() };
    },
  };
}
