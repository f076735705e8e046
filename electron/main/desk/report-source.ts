/**
 * What the end-of-day report reads from Stripe, through the gateways that exist today: the
 * PaymentIntents (the sync feed's list, filtered to the day) and each succeeded one's refunds.
 * A gateway method listing intents by `created` would make the first one call per page of the day.
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
          if (pi.created < fromSec || pi.created >= toSec) continue;
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
      });
      return out;
    },
    async refundedOn(paymentIntentId) {
      const refunds = await terminal.listRefunds(paymentIntentId);
      return refunds.filter((r) => r.status !== 'failed' && r.status !== 'canceled').reduce((sum, r) => sum + r.amount, 0);
    },
  };
}
