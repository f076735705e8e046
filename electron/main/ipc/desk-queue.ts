/** Desk IPC: the queue screen (what waits for the connection or the printer), retry and cancel. */
import type { DeskServices } from '../desk/services';
import type { OutboxItem } from '../services/outbox/outbox';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

const RECENT_MS = 7 * 24 * 3600_000;
const MAX_ITEMS = 300;

export function deskQueueHandlers(s: DeskServices): Pick<Handlers, 'deskQueue' | 'deskRetryQueued' | 'deskCancelQueued'> {
  const view = (i: OutboxItem) => ({
    id: i.id,
    kind: i.kind,
    customerId: i.customerId,
    customerName: i.customerId ? (s.localStore.getCustomer(i.customerId)?.name ?? null) : null,
    amount: i.amount,
    currency: i.currency,
    state: i.state,
    attempts: i.attempts,
    lastError: i.lastError?.slice(0, 500) ?? null,
    reviewReason: i.reviewReason?.slice(0, 500) ?? null,
    createdAt: i.createdAt,
  });
  return {
    deskQueue: async () => {
      const since = s.clock.now() - RECENT_MS;
      const open = new Set(['queued', 'sending', 'failed', 'needs_review']);
      const items = s.outbox.list().filter((i) => open.has(i.state) || i.updatedAt >= since);
      return { items: items.reverse().slice(0, MAX_ITEMS).map(view) };
    },
    deskRetryQueued: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      const item = s.outbox.retry(req.id);
      s.audit.record({
        action: 'queue.retry',
        staffId,
        subjectId: item.id,
        amount: item.amount,
        currency: item.currency,
        detail: { kind: item.kind },
      });
      await s.outbox.drain().catch(() => undefined);
      return view(s.outbox.get(item.id)!);
    },
    deskCancelQueued: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      const item = s.outbox.cancel(req.id, req.reason);
      const desk = s.ledger.byOutbox(item.id);
      if (desk) s.ledger.update(desk.id, { status: 'canceled', message: `Canceled by a manager: ${req.reason}` });
      s.audit.record({
        action: 'queue.cancel',
        staffId,
        subjectId: item.id,
        amount: item.amount,
        currency: item.currency,
        detail: { kind: item.kind, reason: req.reason },
      });
      return view(item);
    },
  };
}
