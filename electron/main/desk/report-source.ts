/**
 * What the end-of-day report reads from Stripe: the PaymentIntents created that day (listed with a
 * `created` range, a page of 100 at a time), each succeeded one's refunds, and the cash and checks
 * every desk reported as payment records.
 */
import type { ReportSource } from '../services/reports/report-service';
import type { StripeGateway } from '../stripe/gateway';
import type { TerminalGateway } from '../stripe/terminal-gateway';

/** A cash or check taken offline can reach Stripe later than its day; records are read this long after the day. */
const LATE_SEND_SEC = 7 * 24 * 3600;

export function stripeReportSource(gateway: Pick<StripeGateway, 'feed'>, terminal: Pick<TerminalGateway, 'listRefunds'>): ReportSource {
  return {
    async intentsCreated(fromSec, toSec) {
      const out: Awaited<ReturnType<ReportSource['intentsCreated']>> = [];
      await gateway.feed.eachPayment(
        (page) => {
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
        },
        { fromSec, toSec },
      );
      return out;
    },
    async recordsTaken(fromSec, toSec) {
      const out: Awaited<ReturnType<ReportSource['recordsTaken']>> = [];
      // Created after the day began (a record is never reported before it was taken), up to a week after it.
      await gateway.feed.eachPaymentRecord(
        (page) => {
          for (const r of page) {
            const method = r.metadata['method'];
            if (method !== 'cash' && method !== 'check') continue;
            if (r.outcome === 'canceled' || r.outcome === 'other') continue;
            const takenAt = Number(r.metadata['taken_at']) || r.created;
            if (takenAt < fromSec || takenAt >= toSec) continue;
            out.push({
              id: r.id,
              method,
              status: r.outcome === 'guaranteed' ? 'succeeded' : 'failed',
              amount: r.amount,
              currency: r.currency,
              metadata: r.metadata,
            });
          }
        },
        { afterSec: fromSec - 1, beforeSec: toSec + LATE_SEND_SEC },
      );
      return out;
    },
    async refundedOn(paymentIntentId) {
      const refunds = await terminal.listRefunds(paymentIntentId);
      return refunds.filter((r) => r.status !== 'failed' && r.status !== 'canceled').reduce((sum, r) => sum + r.amount, 0);
    },
  };
}
