/** Desk IPC: customer / invoice lookup and one customer's file, from the local copy (works offline). */
import type { PaymentSummary } from '../../shared/contract';
import type { DeskServices } from '../desk/services';
import { AppError } from '../services/errors';
import { localPaymentSummaries } from '../services/local-store/summaries';
import type { Handlers } from './dispatcher';

export function deskLookupHandlers(s: DeskServices): Pick<Handlers, 'deskSearch' | 'deskCustomer'> {
  return {
    deskSearch: async (req) => {
      const found = s.lookup.search(req.query);
      return {
        customers: found.customers.map((c) => ({
          id: c.id,
          name: c.name,
          email: c.email,
          phone: c.phone,
          address: c.address,
          matchedOn: c.matchedOn,
          exact: c.exact,
          lastActivityAt: c.lastActivityAt,
        })),
        invoices: found.invoices,
        asOf: s.localStore.asOf(),
      };
    },
    deskCustomer: async (req) => {
      const { localStore } = s;
      const customer = localStore.getCustomer(req.customerId);
      if (!customer) throw AppError.because('customer_not_found');
      const invoices = localStore.invoicesForCustomer(customer.id);
      const numbers = new Map(invoices.map((i) => [i.id, i.number]));
      const payments: PaymentSummary[] = localPaymentSummaries(localStore, customer.id);
      // Cash and checks this station has not sent yet (queued, or stopped for review): not in Stripe, so not in the copy.
      const shown = new Set(payments.map((p) => p.id));
      for (const p of s.ledger.unsentOffline(customer.id)) {
        if (p.paymentRecordId && shown.has(p.paymentRecordId)) continue;
        payments.push({
          id: p.id,
          created: Math.floor(p.createdAt / 1000),
          amount: p.amount,
          currency: p.currency,
          status: p.status === 'needs_review' ? 'failed' : 'queued',
          method: { type: p.kind, brand: null, last4: null, bankName: null, expMonth: null, expYear: null },
          invoiceId: p.invoiceId,
          invoiceNumber: p.invoiceId ? (numbers.get(p.invoiceId) ?? p.invoiceNumber) : null,
        });
      }
      payments.sort((a, b) => b.created - a.created);
      const methods = localStore.paymentMethodsForCustomer(customer.id).map((m) => ({
        id: m.id,
        type: m.type,
        brand: m.brand,
        last4: m.last4,
        bankName: m.bankName,
        expMonth: m.expMonth,
        expYear: m.expYear,
        isDefault: m.isDefault,
      }));
      const b = localStore.customerBalance(customer.id);
      const balance = b ? { amount: b.amount, currency: b.currency ?? 'usd' } : null;
      return { customer, invoices, payments, methods, balance, asOf: localStore.asOf() };
    },
  };
}
