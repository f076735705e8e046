/**
 * Kiosk → desk hand-off: a customer taps "Get help". The request is written on this machine and,
 * when it is about an invoice, carried through Stripe as invoice metadata (help_id,
 * help_requested_at, help_station, help_note), so a desk on another machine sees it.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { LocalStore } from '../local-store/local-store';
import type { CallerSession } from '../session/session-registry';
import { AppError } from '../errors';

export interface HelpMark {
  id: string;
  invoiceId: string;
  customerId: string | null;
  stationId: string;
  note: string | null;
  requestedAt: number;
}

/** Where help requests travel between machines (desk/help-board.ts: invoice metadata at Stripe). */
export interface HelpBoard {
  raise(mark: HelpMark): Promise<void>;
  open(): Promise<HelpMark[]>;
  /** Whether the invoice still carries this request (read directly, not through the search index). */
  stillOpen(invoiceId: string, id: string): Promise<boolean>;
  clear(invoiceId: string): Promise<void>;
}

export interface HelpView {
  id: string;
  stationId: string;
  customerId: string | null;
  customerName: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  note: string | null;
  requestedAt: number;
}

interface Row {
  id: string;
  station_id: string;
  customer_id: string | null;
  invoice_id: string | null;
  note: string | null;
  requested_at: number;
}

const PAYABLE = new Set(['open', 'overdue', 'partially_paid']);

export class HelpService {
  constructor(
    private readonly deps: { db: Db; clock: Clock; log: Logger; board: HelpBoard; localStore: LocalStore; stationId: () => string },
  ) {}

  async request(
    input: { invoiceId?: string | undefined; note?: string | undefined },
    session: CallerSession,
  ): Promise<{ id: string; sharedWithDesk: boolean }> {
    const { db, clock, localStore, board } = this.deps;
    const customerId = session.role === 'public' ? null : session.customerId;
    let invoiceId: string | null = null;
    if (session.role === 'guest') invoiceId = session.guestInvoiceId;
    else if (session.role === 'customer' && customerId) {
      if (input.invoiceId && !localStore.getInvoice(input.invoiceId, customerId)) throw AppError.because('invoice_not_found');
      invoiceId = input.invoiceId ?? localStore.invoicesForCustomer(customerId).find((i) => PAYABLE.has(i.status))?.id ?? null;
    }
    const mark = {
      id: `help_${randomBytes(8).toString('hex')}`,
      stationId: this.deps.stationId(),
      customerId,
      invoiceId,
      note: input.note?.trim() || null,
      requestedAt: clock.now(),
    };
    db.prepare('INSERT INTO desk_help (id, station_id, customer_id, invoice_id, note, requested_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      mark.id,
      mark.stationId,
      mark.customerId,
      mark.invoiceId,
      mark.note,
      mark.requestedAt,
    );
    if (!mark.invoiceId) return { id: mark.id, sharedWithDesk: false };
    try {
      await board.raise({ ...mark, invoiceId: mark.invoiceId });
      return { id: mark.id, sharedWithDesk: true };
    } catch (err) {
      this.deps.log.warn('help request kept on this station only', { error: err instanceof Error ? err.message : String(err) });
      return { id: mark.id, sharedWithDesk: false };
    }
  }

  /** Open requests: those carried through Stripe, and those raised on this machine; oldest first. */
  async list(): Promise<HelpView[]> {
    const byId = new Map<string, HelpView>();
    for (const r of this.localOpen()) byId.set(r.id, this.view(r));
    let shared: HelpMark[] = [];
    try {
      shared = await this.deps.board.open();
    } catch (err) {
      this.deps.log.warn('help requests from other stations could not be read', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
    const resolved = new Set(
      this.deps.db
        .prepare<[], { id: string }>('SELECT id FROM desk_help WHERE resolved_at IS NOT NULL')
        .all()
        .map((r) => r.id),
    );
    for (const m of shared) {
      if (!resolved.has(m.id))
        byId.set(
          m.id,
          this.view({
            id: m.id,
            station_id: m.stationId,
            customer_id: m.customerId,
            invoice_id: m.invoiceId,
            note: m.note,
            requested_at: m.requestedAt,
          }),
        );
    }
    // This station's own shared requests missing from the search: resolved at another desk, or not
    // yet indexed. The invoice itself says which.
    const onBoard = new Set(shared.map((m) => m.id));
    for (const r of this.localOpen()) {
      if (!r.invoice_id || onBoard.has(r.id)) continue;
      const open = await this.deps.board.stillOpen(r.invoice_id, r.id).catch(() => true);
      if (!open) {
        this.deps.db
          .prepare('UPDATE desk_help SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL')
          .run(this.deps.clock.now(), 'another station', r.id);
        byId.delete(r.id);
      }
    }
    return [...byId.values()].sort((a, b) => a.requestedAt - b.requestedAt);
  }

  async resolve(id: string, staffId: string): Promise<void> {
    const { db, clock } = this.deps;
    const local = db.prepare<[string], Row>('SELECT * FROM desk_help WHERE id = ?').get(id);
    const invoiceId = local?.invoice_id ?? (await this.deps.board.open()).find((m) => m.id === id)?.invoiceId ?? null;
    if (!local && !invoiceId) throw new AppError('not_found', 'That help request was not found.');
    if (invoiceId) await this.deps.board.clear(invoiceId);
    db.prepare(
      `INSERT INTO desk_help (id, station_id, customer_id, invoice_id, note, requested_at, resolved_at, resolved_by) VALUES (?, ?, NULL, ?, NULL, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by`,
    ).run(id, this.deps.stationId(), invoiceId, clock.now(), clock.now(), staffId);
  }

  private localOpen(): Row[] {
    return this.deps.db.prepare<[], Row>('SELECT * FROM desk_help WHERE resolved_at IS NULL ORDER BY requested_at').all();
  }

  private view(r: Row): HelpView {
    const { localStore } = this.deps;
    const invoice = r.invoice_id ? localStore.getInvoice(r.invoice_id) : null;
    const customerId = r.customer_id ?? invoice?.customerId ?? null;
    return {
      id: r.id,
      stationId: r.station_id,
      customerId,
      customerName: customerId ? (localStore.getCustomer(customerId)?.name ?? null) : null,
      invoiceId: r.invoice_id,
      invoiceNumber: invoice?.number ?? null,
      note: r.note,
      requestedAt: r.requested_at,
    };
  }
}
