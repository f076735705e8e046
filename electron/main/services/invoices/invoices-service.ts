import type { Invoice, InvoiceDetail } from '../../../shared/contract';
import type { StripeGateway } from '../../stripe/gateway';
import type { Clock } from '../clock';
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
  ) {}

  async listForCustomer(customerId: string): Promise<{ invoices: Invoice[]; asOf: number }> {
    const invoices = await this.gateway.listInvoicesForCustomer(customerId);
    invoices.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.issuedAt - a.issuedAt);
    return { invoices, asOf: Math.floor(this.clock.now() / 1000) };
  }

  async getForPayer(payer: Payer, invoiceId: string): Promise<InvoiceDetail> {
    const detail = await this.gateway.retrieveInvoiceDetail(invoiceId);
    if (!detail) throw notFound('That invoice');
    assertCanSeeInvoice(payer, detail);
    return detail;
  }
}
