/**
 * The help board carried through Stripe: a help request is metadata on the invoice it is about
 * (help_id, help_requested_at, help_station, help_note, help_customer), so every desk sees it.
 *
 * Reading scans the metadata of the payable invoices in the local copy (newest first, bounded), since
 * the gateway has no metadata search yet; with `invoices.search("metadata['help_id']:...")` exposed
 * on the gateway this becomes one call.
 */
import type { Db } from '../db/connection';
import type { HelpBoard, HelpMark } from '../services/handoff/help-service';
import type { StripeGateway } from '../stripe/gateway';

const SCAN_LIMIT = 200;
const CLEARED = { help_id: '', help_requested_at: '', help_station: '', help_note: '', help_customer: '' };

export function invoiceMetadataHelpBoard(deps: { gateway: Pick<StripeGateway, 'setInvoiceMetadata' | 'invoiceMetadata'>; db: Db }): HelpBoard {
  const { gateway, db } = deps;
  return {
    async raise(m: HelpMark) {
      await gateway.setInvoiceMetadata(
        m.invoiceId,
        {
          help_id: m.id,
          help_requested_at: String(m.requestedAt),
          help_station: m.stationId,
          help_note: m.note ?? '',
          help_customer: m.customerId ?? '',
        },
        { idempotencyKey: `help:${m.id}:raise` },
      );
    },
    async open() {
      // Read-only look at the local copy's invoice table (owned by services/local-store).
      const ids = db
        .prepare<[number], { id: string }>("SELECT id FROM ls_invoices WHERE status IN ('open', 'overdue', 'partially_paid') ORDER BY issued_at DESC LIMIT ?")
        .all(SCAN_LIMIT)
        .map((r) => r.id);
      const marks: HelpMark[] = [];
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const invoiceId = ids[next++]!;
          const md = await gateway.invoiceMetadata(invoiceId);
          if (md?.['help_id'] && md['help_requested_at']) {
            marks.push({
              id: md['help_id'],
              invoiceId,
              customerId: md['help_customer'] || null,
              stationId: md['help_station'] ?? '',
              note: md['help_note'] || null,
              requestedAt: Number(md['help_requested_at']) || 0,
            });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(6, ids.length) }, worker));
      return marks;
    },
    async clear(invoiceId: string) {
      await gateway.setInvoiceMetadata(invoiceId, CLEARED);
    },
  };
}
