/**
 * The sandbox's own SQLite file: every Stripe object as JSON in one table (newest-first by
 * created, ties by a monotonic seq), hidden per-object state in `meta`, durable idempotency
 * records, and pending ACH settlements.
 */
import { openSandboxDb, type Db, type Migration } from './db.js';
import { API_VERSION, notFound, randomId, type Json, type Obj } from './wire.js';

const migrations: Migration[] = [
  {
    version: 1,
    name: 'sandbox objects, meta, idempotency, settlements',
    up: (db) => {
      db.exec(`
        CREATE TABLE objects (id TEXT PRIMARY KEY, type TEXT NOT NULL, customer TEXT, created INTEGER NOT NULL,
          seq INTEGER NOT NULL UNIQUE, json TEXT NOT NULL);
        CREATE INDEX objects_type_seq ON objects (type, seq);
        CREATE INDEX objects_customer ON objects (customer, type);
        CREATE TABLE meta (id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE idempotency (key TEXT PRIMARY KEY, endpoint TEXT NOT NULL, params_hash TEXT NOT NULL,
          status INTEGER NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL);
        CREATE TABLE settlements (intent_id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL);
      `);
    },
  },
  {
    version: 2,
    name: 'list pages in list order straight from the index',
    up: (db) => {
      db.exec(`
        CREATE INDEX objects_type_created ON objects (type, created, seq);
        CREATE INDEX objects_customer_created ON objects (customer, type, created, seq);
      `);
    },
  },
  {
    version: 3,
    name: "an invoice's payments without reading every payment",
    up: (db) => {
      db.exec(
        `CREATE INDEX objects_invoice_payments ON objects (json_extract(json, '$.invoice'), created, seq) WHERE type = 'invoice_payment';`,
      );
    },
  },
];

export interface RequestInfo {
  id: string | null;
  idempotency_key: string | null;
}
export interface IdemRecord {
  endpoint: string;
  params_hash: string;
  status: number;
  body: string;
}

export class Store {
  readonly db: Db;
  private seq: number;
  /** Set by the server around each request, for events' `request` field. */
  request: RequestInfo = { id: null, idempotency_key: null };

  constructor(
    path: string,
    readonly nowMs: () => number,
    nativeBinding?: string,
  ) {
    this.db = openSandboxDb(path, migrations, nativeBinding);
    this.seq = this.db.prepare<[], { s: number | null }>('SELECT MAX(seq) AS s FROM objects').get()?.s ?? 0;
  }

  close(): void {
    this.db.close();
  }

  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  newId(prefix: string): string {
    return randomId(prefix);
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get(id: string): Obj | undefined {
    const row = this.db.prepare<[string], { json: string }>('SELECT json FROM objects WHERE id = ?').get(id);
    return row ? (JSON.parse(row.json) as Obj) : undefined;
  }

  /** Loads an object of the given type or throws Stripe's 404 (`No such customer: 'cus_x'`). */
  must(type: string, id: string, param = 'id', label = LABELS[type] ?? type): Obj {
    const o = this.get(id);
    if (!o || o.object !== type) throw notFound(label, id, param);
    return o;
  }

  insert(o: Obj): Obj {
    const customer = typeof o.customer === 'string' ? o.customer : null;
    this.db
      .prepare('INSERT INTO objects (id, type, customer, created, seq, json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(o.id, o.object, customer, o.created ?? o.date ?? this.now(), ++this.seq, JSON.stringify(o));
    return o;
  }

  save(o: Obj): Obj {
    const customer = typeof o.customer === 'string' ? o.customer : null;
    const r = this.db.prepare('UPDATE objects SET json = ?, customer = ? WHERE id = ?').run(JSON.stringify(o), customer, o.id);
    if (r.changes !== 1) throw new Error(`sandbox: save of unknown object ${String(o.id)}`);
    return o;
  }

  /** Every object of a type, newest first; optional customer filter uses the index. */
  all(type: string, customer?: string): Obj[] {
    const rows =
      customer === undefined
        ? this.db.prepare<[string], { json: string }>('SELECT json FROM objects WHERE type = ? ORDER BY created DESC, seq DESC').all(type)
        : this.db
            .prepare<[string, string], { json: string }>(
              'SELECT json FROM objects WHERE type = ? AND customer = ? ORDER BY created DESC, seq DESC',
            )
            .all(type, customer);
    return rows.map((r) => JSON.parse(r.json) as Obj);
  }

  /** An invoice's invoice_payment objects, newest first, through their own index. */
  invoicePayments(invoiceId: string): Obj[] {
    return this.db
      .prepare<[string], { json: string }>(
        "SELECT json FROM objects WHERE type = 'invoice_payment' AND json_extract(json, '$.invoice') = ? ORDER BY created DESC, seq DESC",
      )
      .all(invoiceId)
      .map((r) => JSON.parse(r.json) as Obj);
  }

  /**
   * One list page of a type (newest first), read in list order from the index, for lists without
   * filters: constant work per page however many objects there are. Null when the cursor is not an
   * object of this list.
   */
  page(
    type: string,
    customer: string | undefined,
    limit: number,
    after?: string,
    before?: string,
  ): { data: Obj[]; hasMore: boolean } | null {
    const cust = customer === undefined ? '' : ' AND customer = ?';
    const scope: (string | number)[] = customer === undefined ? [type] : [type, customer];
    const cursorId = after ?? before;
    let cur: { created: number; seq: number } | undefined;
    if (cursorId) {
      cur = this.db
        .prepare<(string | number)[], { created: number; seq: number }>(`SELECT created, seq FROM objects WHERE id = ? AND type = ?${cust}`)
        .get(cursorId, ...scope);
      if (!cur) return null;
    }
    const parse = (rows: { json: string }[]) => rows.map((r) => JSON.parse(r.json) as Obj);
    if (before && cur) {
      const rows = this.db
        .prepare<(string | number)[], { json: string }>(
          `SELECT json FROM objects WHERE type = ?${cust} AND (created > ? OR (created = ? AND seq > ?)) ORDER BY created ASC, seq ASC LIMIT ?`,
        )
        .all(...scope, cur.created, cur.created, cur.seq, limit + 1);
      return { data: parse(rows.slice(0, limit)).reverse(), hasMore: rows.length > limit };
    }
    const range = cur ? ' AND (created < ? OR (created = ? AND seq < ?))' : '';
    const rows = this.db
      .prepare<(string | number)[], { json: string }>(
        `SELECT json FROM objects WHERE type = ?${cust}${range} ORDER BY created DESC, seq DESC LIMIT ?`,
      )
      .all(...scope, ...(cur ? [cur.created, cur.created, cur.seq] : []), limit + 1);
    return { data: parse(rows.slice(0, limit)), hasMore: rows.length > limit };
  }

  meta<T extends object>(id: string): Partial<T> {
    const row = this.db.prepare<[string], { json: string }>('SELECT json FROM meta WHERE id = ?').get(id);
    return row ? (JSON.parse(row.json) as Partial<T>) : {};
  }

  setMeta(id: string, patch: object): void {
    const merged = { ...this.meta(id), ...patch };
    this.db
      .prepare('INSERT INTO meta (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json')
      .run(id, JSON.stringify(merged));
  }

  /** Records an event with a snapshot of the object (and previous_attributes for *.updated). */
  emit(type: string, object: Obj, previous?: Obj): Obj {
    const data: Obj = { object: structuredClone(object) };
    if (previous && Object.keys(previous).length > 0) data.previous_attributes = previous;
    return this.insert({
      id: this.newId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: this.now(),
      data,
      livemode: false,
      pending_webhooks: 0,
      request: { ...this.request },
      type,
    });
  }

  idem(key: string): IdemRecord | undefined {
    return this.db.prepare<[string], IdemRecord>('SELECT endpoint, params_hash, status, body FROM idempotency WHERE key = ?').get(key);
  }

  saveIdem(key: string, rec: IdemRecord): void {
    this.db
      .prepare('INSERT INTO idempotency (key, endpoint, params_hash, status, body, created) VALUES (?, ?, ?, ?, ?, ?)')
      .run(key, rec.endpoint, rec.params_hash, rec.status, rec.body, this.now());
    // Stripe prunes keys after 24 hours; so do we.
    this.db.prepare('DELETE FROM idempotency WHERE created < ?').run(this.now() - 86_400);
  }

  schedule(intentId: string, kind: 'debit' | 'microdeposits', dueAtMs: number): void {
    this.db
      .prepare(
        'INSERT INTO settlements (intent_id, kind, due_at) VALUES (?, ?, ?) ON CONFLICT(intent_id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at',
      )
      .run(intentId, kind, dueAtMs);
  }

  unschedule(intentId: string): void {
    this.db.prepare('DELETE FROM settlements WHERE intent_id = ?').run(intentId);
  }

  settlements(dueBeforeMs = Number.MAX_SAFE_INTEGER): { intent_id: string; kind: string; due_at: number }[] {
    return this.db
      .prepare<[number], { intent_id: string; kind: string; due_at: number }>(
        'SELECT intent_id, kind, due_at FROM settlements WHERE due_at <= ? ORDER BY due_at',
      )
      .all(dueBeforeMs);
  }
}

export const LABELS: Record<string, string> = {
  customer: 'customer',
  payment_method: 'PaymentMethod',
  payment_intent: 'payment_intent',
  setup_intent: 'setupintent',
  charge: 'charge',
  invoice: 'invoice',
  invoiceitem: 'invoiceitem',
  event: 'event',
  mandate: 'mandate',
  invoice_payment: 'invoice_payment',
  customer_balance_transaction: 'customer balance transaction',
};

export function str(v: Json | undefined): string | null {
  return typeof v === 'string' ? v : null;
}
