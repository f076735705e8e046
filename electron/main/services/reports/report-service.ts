/**
 * The end-of-day report: totals and counts by method, by staff member and by status for one day in
 * the station's time zone, for this station or the whole office. Everything that reached Stripe is
 * read from Stripe, so every station's report agrees: card, card-present and ACH from PaymentIntents,
 * refunds from Stripe, cash and check from the payment records the desks reported (metadata
 * station_id / staff_id / method / taken_at). What this station has not sent yet (its local queue)
 * counts as `queued`; another station's unsent items are not visible until it sends them.
 */
import type { DeskReport } from '../../../shared/contract-desk';
import type { DeskLedger } from '../desk-payments/ledger';
import type { Outbox } from '../outbox/outbox';
import { dayBounds, localDate } from './day';

/** One PaymentIntent as the report needs it. */
export interface ReportIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
  /** Unix seconds. */
  created: number;
  methodType: string | null;
  metadata: Record<string, string>;
  hasError: boolean;
}

/** Where the report reads Stripe (see desk/report-source.ts). */
export interface ReportSource {
  /** PaymentIntents created in [fromSec, toSec). */
  intentsCreated(fromSec: number, toSec: number): Promise<ReportIntent[]>;
  /** Total refunded so far on one PaymentIntent. */
  refundedOn(paymentIntentId: string): Promise<number>;
  /** Cash and checks reported to Stripe as payment records, taken in [fromSec, toSec). */
  recordsTaken(fromSec: number, toSec: number): Promise<ReportRecord[]>;
}

/** One cash or check payment record as the report needs it. */
export interface ReportRecord {
  id: string;
  method: 'cash' | 'check';
  status: 'succeeded' | 'failed';
  amount: number;
  currency: string;
  metadata: Record<string, string>;
}

export interface ReportDeps {
  source: ReportSource;
  ledger: DeskLedger;
  outbox: Outbox;
  stationId: () => string;
  timeZone: () => string;
  /** Unix ms now: which day "today" is at the station. */
  now: () => number;
  staffName: (id: string) => string | null;
}

type Method = DeskReport['byMethod'][number]['method'];
type Status = DeskReport['byStatus'][number]['status'];

interface Line {
  method: Method;
  status: Status;
  amount: number;
  refunded: number;
  staffId: string | null;
  /** The name another station recorded with the payment (metadata staff_name). */
  staffLabel?: string | undefined;
  currency: string;
}

const METHODS: readonly Method[] = ['card', 'card_present', 'us_bank_account', 'cash', 'check'];
const STATUSES: readonly Status[] = ['succeeded', 'processing', 'queued', 'failed', 'refunded'];
export const KIOSK_NAME = 'Kiosk (self-service)';

export class ReportService {
  constructor(private readonly deps: ReportDeps) {}

  /** The day's report; no date: today in the station's time zone. */
  async build(day: string | undefined, scope: 'station' | 'office'): Promise<DeskReport> {
    const { deps } = this;
    const stationId = deps.stationId();
    const timeZone = deps.timeZone();
    const date = day ?? localDate(deps.now(), timeZone);
    const { fromMs, toMs } = dayBounds(date, timeZone);
    const fromSec = Math.floor(fromMs / 1000);
    const toSec = Math.floor(toMs / 1000);
    const mine = (s: string | null | undefined) => scope === 'office' || s === stationId;
    const lines: Line[] = [];

    const intents = (await deps.source.intentsCreated(fromSec, toSec)).filter((i) => mine(i.metadata['station_id']));
    await mapLimit(intents, 6, async (pi) => {
      const line = await this.intentLine(pi);
      if (line) lines.push(line);
    });

    const records = await deps.source.recordsTaken(fromSec, toSec);
    const reported = new Set<string>();
    for (const r of records) {
      if (r.metadata['desk_payment_id']) reported.add(r.metadata['desk_payment_id']);
      if (!mine(r.metadata['station_id'])) continue;
      lines.push({
        method: r.method,
        status: r.status,
        amount: r.amount,
        refunded: 0,
        staffId: r.metadata['staff_id'] ?? null,
        staffLabel: r.metadata['staff_name'],
        currency: r.currency,
      });
    }
    // This station's cash and checks that Stripe does not have yet: waiting in the queue, or stopped for review.
    for (const p of deps.ledger.createdBetween(fromMs, toMs)) {
      if (p.kind === 'card_present' || reported.has(p.id) || !mine(p.stationId)) continue; // card-present is counted from Stripe
      const state = p.outboxId ? deps.outbox.get(p.outboxId)?.state : undefined;
      if (!state || state === 'canceled' || state === 'succeeded') continue;
      const status: Status = state === 'needs_review' ? 'failed' : 'queued';
      lines.push({ method: p.kind, status, amount: p.amount, refunded: 0, staffId: p.staffId, currency: p.currency });
    }
    for (const item of deps.outbox.list(['queued', 'sending', 'failed'])) {
      if (item.kind !== 'saved_method_charge' || item.createdAt < fromMs || item.createdAt >= toMs || !mine(item.stationId)) continue;
      lines.push({
        method: 'card',
        status: 'queued',
        amount: item.amount ?? 0,
        refunded: 0,
        staffId: null,
        currency: item.currency ?? 'usd',
      });
    }
    return this.summarize(lines, { date, scope, stationId, timeZone, fromSec, toSec });
  }

  private async intentLine(pi: ReportIntent): Promise<Line | null> {
    const method = toMethod(pi);
    const base = {
      method,
      staffId: pi.metadata['staff_id'] ?? null,
      staffLabel: pi.metadata['staff_name'],
      currency: pi.currency,
      refunded: 0,
    };
    switch (pi.status) {
      case 'succeeded': {
        const refunded = await this.deps.source.refundedOn(pi.id);
        return { ...base, amount: pi.amount, refunded, status: refunded >= pi.amount ? 'refunded' : 'succeeded' };
      }
      case 'processing':
      case 'requires_capture':
        return { ...base, amount: pi.amount, status: 'processing' };
      case 'requires_payment_method':
      case 'canceled':
        return pi.hasError ? { ...base, amount: pi.amount, status: 'failed' } : null;
      default:
        return null;
    }
  }

  private summarize(
    lines: Line[],
    head: { date: string; scope: 'station' | 'office'; stationId: string; timeZone: string; fromSec: number; toSec: number },
  ): DeskReport {
    const taken = lines.filter((l) => l.status !== 'failed');
    const sum = (ls: Line[]) => ({ count: ls.length, amount: ls.reduce((a, l) => a + l.amount, 0) });
    const refundLines = lines.filter((l) => l.refunded > 0);
    const refunds = { count: refundLines.length, amount: refundLines.reduce((a, l) => a + l.refunded, 0) };
    const total = sum(taken);
    const staff = new Map<string, Line[]>();
    for (const l of taken) {
      const key = l.staffId ?? '';
      staff.set(key, [...(staff.get(key) ?? []), l]);
    }
    const currencies = [...new Set(lines.map((l) => l.currency))];
    return {
      date: head.date,
      scope: head.scope,
      stationId: head.stationId,
      timeZone: head.timeZone,
      currency: currencies[0] ?? 'usd',
      from: head.fromSec,
      to: head.toSec,
      total,
      refunds,
      net: total.amount - refunds.amount,
      byMethod: METHODS.map((method) => ({ method, ...sum(taken.filter((l) => l.method === method)) })),
      byStaff: [...staff.entries()]
        .map(([id, ls]) => ({
          staffId: id || null,
          name: id ? (this.deps.staffName(id) ?? ls.find((l) => l.staffLabel)?.staffLabel ?? id) : KIOSK_NAME,
          ...sum(ls),
        }))
        .sort((a, b) => b.amount - a.amount),
      byStatus: STATUSES.map((status) => ({ status, ...sum(lines.filter((l) => l.status === status)) })),
      notes: [
        ...(currencies.length > 1 ? [`More than one currency (${currencies.join(', ')}): totals add them as they are.`] : []),
        ...(head.scope === 'office'
          ? ['Payments another station has not sent to Stripe yet (taken while it was offline) appear once it sends them.']
          : []),
      ],
    };
  }
}

function toMethod(pi: ReportIntent): Method {
  const t = pi.methodType ?? (pi.metadata['channel'] === 'desk' ? 'card_present' : 'card');
  return (METHODS as readonly string[]).includes(t) ? (t as Method) : 'card';
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
