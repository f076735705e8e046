/**
 * What the end-of-day report reads from Stripe: the PaymentIntents created that day (listed with a
 * `created` range, a page of 100 at a time) and each succeeded one's refunds.
 */
import type { ReportSource } from '../services/reports/report-service';
import type { StripeGateway } from '../stripe/gateway';
import type { TerminalGateway } from '../stripe/terminal-gateway';

export function stripeReportSource(gateway: Pick<StripeGateway, 'feed'>, terminal: Pick<TerminalGateway, 'listRefunds'>): ReportSource {
  return {
    async intentsCreated(fromSec, toSec) {
      const out: Awaited<ReturnType<ReportSource['intentsCreated']>> = [];
      await gateway.feed.eachPayment((page) => {
        for (const pi of page) {
          out.push({
            id: pi.id,
            status: pi.status,
            amount: pi.amount,
            currency: pi.currency,
            created: pi.created,
            methodType: pi.method?.type ?? null,
            metadata: pi.metadata,
            hasError: pi.lastError !== null,
          });
        }
      }, { fromSec, toSec });
      return out;
    },
    async refundedOn(paymentIntentId) {
      const refunds = await terminal.listRefunds(paymentIntentId);
      return refunds.filter((r) => r.status !== 'failed' && r.status !== 'canceled').reduce((sum, r) => sum + r.amount, 0);
    },
  };
}
