/**
 * The help board carried through Stripe: a help request is metadata on the invoice it is about
 * (help_open, help_id, help_requested_at, help_station, help_note, help_customer), so every desk
 * sees it. The open requests are one Stripe search, `metadata['help_open']:'true'`; clearing a
 * request deletes the keys (Stripe drops metadata set to ""). Stripe's search index can trail an
 * update by up to a minute, so a request raised at a kiosk reaches the desk list within about that.
 */
import type { HelpBoard, HelpMark } from '../services/handoff/help-service';
import type { StripeGateway } from '../stripe/gateway';

const CLEARED = { help_open: '', help_id: '', help_requested_at: '', help_station: '', help_note: '', help_customer: '' };

export function invoiceMetadataHelpBoard(deps: {
  gateway: Pick<StripeGateway, 'setInvoiceMetadata' | 'searchInvoicesByMetadata' | 'invoiceMetadata'>;
}): HelpBoard {
  const { gateway } = deps;
  return {
    async raise(m: HelpMark) {
      await gateway.setInvoiceMetadata(
        m.invoiceId,
        {
          help_open: 'true',
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
      const marks: HelpMark[] = [];
      for (const { id: invoiceId, metadata: md } of await gateway.searchInvoicesByMetadata('help_open', 'true')) {
        // A request cleared after the search index was built no longer carries its id.
        if (!md['help_id'] || !md['help_requested_at']) continue;
        marks.push({
          id: md['help_id'],
          invoiceId,
          customerId: md['help_customer'] || null,
          stationId: md['help_station'] ?? '',
          note: md['help_note'] || null,
          requestedAt: Number(md['help_requested_at']) || 0,
        });
      }
      return marks;
    },
    async stillOpen(invoiceId: string, id: string) {
      const md = await gateway.invoiceMetadata(invoiceId);
      return md?.['help_id'] === id;
    },
    async clear(invoiceId: string) {
      await gateway.setInvoiceMetadata(invoiceId, CLEARED);
    },
  };
}
