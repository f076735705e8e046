/**
 * The desk's audit log: every staff action (who, what, when, amounts, ids), append-only in SQLite.
 * Written in the same process step as the action it records; read by managers.
 */
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';

export type AuditAction =
  | 'staff.sign_in'
  | 'staff.sign_out'
  | 'staff.pin_failed'
  | 'staff.locked'
  | 'staff.first_manager'
  | 'staff.added'
  | 'staff.disabled'
  | 'staff.enabled'
  | 'card.started'
  | 'card.succeeded'
  | 'card.failed'
  | 'card.canceled'
  | 'card.cancel_requested'
  | 'card.retried'
  | 'cash.recorded'
  | 'check.recorded'
  | 'offline.sent'
  | 'offline.review'
  | 'refund.created'
  | 'refund.refused'
  | 'receipt.printed'
  | 'receipt.reprinted'
  | 'receipt.queued'
  | 'receipt.pdf'
  | 'receipt.emailed'
  | 'receipt.email_failed'
  | 'queue.retry'
  | 'queue.cancel'
  | 'reader.registered'
  | 'reader.chosen'
  | 'terminal.connection_token'
  | 'help.resolved'
  | 'report.viewed'
  | 'report.printed'
  | 'report.print_failed'
  | 'drawer.opened'
  | 'drawer.sale'
  | 'drawer.paid_in'
  | 'drawer.paid_out'
  | 'drawer.no_sale'
  | 'drawer.closed'
  | 'drawer.approval_failed'
  | 'drawer.report_printed'
  | 'drawer.report_print_failed'
  | 'drawer.report_pdf';

export interface AuditInput {
  action: AuditAction;
  staffId: string | null;
  staffName?: string | null;
  subjectId?: string | null;
  amount?: number | null;
  currency?: string | null;
  detail?: Record<string, unknown> | string | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  stationId: string;
  staffId: string | null;
  staffName: string | null;
  action: string;
  subjectId: string | null;
  amount: number | null;
  currency: string | null;
  detail: string | null;
}

interface Row {
  id: number;
  at: number;
  station_id: string;
  staff_id: string | null;
  staff_name: string | null;
  action: string;
  subject_id: string | null;
  amount: number | null;
  currency: string | null;
  detail: string | null;
}

export class AuditLog {
  constructor(private readonly deps: { db: Db; clock: Clock; stationId: () => string; staffName: (id: string) => string | null }) {}

  record(e: AuditInput): void {
    const detail = e.detail == null ? null : typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail);
    const name = e.staffName ?? (e.staffId ? this.deps.staffName(e.staffId) : null);
    this.deps.db
      .prepare(
        'INSERT INTO desk_audit (at, station_id, staff_id, staff_name, action, subject_id, amount, currency, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        this.deps.clock.now(),
        this.deps.stationId(),
        e.staffId,
        name,
        e.action,
        e.subjectId ?? null,
        e.amount ?? null,
        e.currency ?? null,
        detail?.slice(0, 2000) ?? null,
      );
  }

  /** Newest first; `before` is an entry id, for paging back. */
  list(limit: number, before?: number): AuditEntry[] {
    const rows = before
      ? this.deps.db.prepare<[number, number], Row>('SELECT * FROM desk_audit WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)
      : this.deps.db.prepare<[number], Row>('SELECT * FROM desk_audit ORDER BY id DESC LIMIT ?').all(limit);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      stationId: r.station_id,
      staffId: r.staff_id,
      staffName: r.staff_name,
      action: r.action,
      subjectId: r.subject_id,
      amount: r.amount,
      currency: r.currency,
      detail: r.detail,
    }));
  }
}
