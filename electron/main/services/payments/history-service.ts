import type { PaymentStatus, PaymentSummary } from '../../../shared/contract';
import type { IntentView, StripeGateway } from '../../stripe/gateway';
import type { Clock } from '../clock';

/** A customer's payment history, newest first: what went through, what is processing, what failed. */
export class HistoryService {
  constructor(
    private readonly gateway: StripeGateway,
    private readonly clock: Clock,
    /** Cash and checks taken at a desk (payment records, not PaymentIntents), from the local copy the sync keeps. */
    private readonly offlinePayments: (customerId: string) => PaymentSummary[] = () => [],
  ) {}

  async list(customerId: string): Promise<{ payments: PaymentSummary[]; asOf: number }> {
    const intents = await this.gateway.listIntentsForCustomer(customerId);
    const payments: PaymentSummary[] = intents.flatMap((pi) => {
      const status = statusOf(pi);
      if (!status || !pi.method) return [];
      return [
        {
          id: pi.id,
          created: pi.created,
          amount: pi.amount,
          currency: pi.currency,
          status,
          method: pi.method,
          invoiceId: pi.invoiceId,
          invoiceNumber: pi.invoiceNumber || null,
        },
      ];
    });
    payments.push(...this.offlinePayments(customerId));
    payments.sort((a, b) => b.created - a.created);
    return { payments, asOf: Math.floor(this.clock.now() / 1000) };
  }
}

/** A PaymentIntent as a payment in someone's history; null for one that was never tried. */
export function statusOf(pi: IntentView): PaymentStatus | null {
  switch (pi.status) {
    case 'succeeded':
    case 'requires_capture':
      return 'succeeded';
    case 'processing':
      return 'processing';
    case 'requires_action':
      return pi.microdeposits ? 'requires_verification' : null;
    case 'canceled':
      return pi.lastError ? 'failed' : 'canceled';
    case 'requires_payment_method':
      return pi.lastError ? 'failed' : null; // never tried: not a payment
    default:
      return null;
  }
}
