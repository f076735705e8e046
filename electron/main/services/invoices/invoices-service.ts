import type { Invoice, InvoiceDetail } from '../../../shared/contract';
import type { StripeGateway } from '../../stripe/gateway';
import type { Clock } from '../clock';
import type { LocalStore } from '../local-store/local-store';
import { onlineOr } from '../offline';
import { notFound } from '../errors';
import { assertCanSeeInvoice, type Payer } from '../payments/payer';

const STATUS_ORDER: Record<Invoice['status'], number> = {
  overdue: 0,
  partially_paid: 1,
  open: 2,
  processing: 3,
  draft: 4,
  paid: 5,
  uncollectible: 6,
  void: 7,
};

/** A customer's invoices. Every read is scoped to the customer: another customer's id is "not found". */
export class InvoicesService {
  constructor(
    private readonly gateway: StripeGateway,
    private readonly clock: Clock,
    private readonly store: LocalStore,
  ) {}

  /** Fresh from Stripe (and kept in the local copy); from the local copy, with its age, when offline. */
  async listForCustomer(customerId: string): Promise<{ invoices: Invoice[]; asOf: number }> {
    const { value: invoices, fromLocalCopy } = await onlineOr(
      async () => {
        const fresh = await this.gateway.listInvoicesForCustomer(customerId);
        this.store.upsertInvoices(fresh);
        return fresh;
      },
      () => this.store.invoicesForCustomer(customerId),
    );
    invoices.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.issuedAt - a.issuedAt);
    const asOf = fromLocalCopy ? (this.store.asOf() ?? 0) : Math.floor(this.clock.now() / 1000);
    return { invoices, asOf };
  }

  async getForPayer(payer: Payer, invoiceId: string): Promise<InvoiceDetail> {
    const { value: detail } = await onlineOr(
      () => this.gateway.retrieveInvoiceDetail(invoiceId),
      () => {
        const local = this.store.getInvoice(invoiceId);
        return local ? { ...local, lines: [] } : null; // lines are not kept offline
      },
    );
    if (!detail) throw notFound('That invoice');
    assertCanSeeInvoice(payer, detail);
    return detail;
  }
}
