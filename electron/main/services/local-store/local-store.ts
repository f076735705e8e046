import type { Statement } from 'better-sqlite3';
import type { Address, Customer, Invoice, InvoiceStatus } from '../../../shared/contract';
import type { Db } from '../../db/connection';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { checkId, checkOptionalId, safeLast4, safeText } from './redact';
import {
  customerTerms,
  joinTokens,
  normalizeEmail,
  normalizeInvoiceNumber,
  normalizePhone,
  reverse,
  tokenize,
  type CustomerNorms,
} from './search-terms';
import {
  PAYMENT_METHOD_TYPES,
  PAYMENT_STATUSES,
  type CustomerBalance,
  type PaymentMethodSummary,
  type PaymentRecord,
  type SyncState,
  type UpsertOptions,
  type Versioned,
} from './types';

interface CustomerRow {
  rid: number;
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  has_address: number;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  name_norm: string;
  addr_norm: string;
  email_norm: string | null;
  phone_norm: string | null;
  activity: number;
  version: number;
}

interface InvoiceRow {
  id: string;
  customer_id: string;
  number: string | null;
  status: string;
  currency: string;
  total: number;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  issued_at: number;
  due_at: number | null;
}

interface PaymentRow {
  id: string;
  customer_id: string;
  invoice_id: string | null;
  amount: number;
  currency: string;
  status: string;
  method_type: string;
  brand: string | null;
  last4: string | null;
  bank_name: string | null;
  created: number;
  station_id: string | null;
  staff_id: string | null;
}

interface MethodRow {
  id: string;
  type: string;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  bank_name: string | null;
  is_default: number;
}

const INVOICE_COLUMNS = 'id, customer_id, number, status, currency, total, amount_due, amount_paid, amount_remaining, issued_at, due_at';

export function customerFromRow(
  r: CustomerRow | Omit<CustomerRow, 'rid' | 'name_norm' | 'addr_norm' | 'email_norm' | 'phone_norm' | 'activity' | 'version'>,
): Customer {
  const address: Address | null = r.has_address
    ? { line1: r.line1, line2: r.line2, city: r.city, state: r.state, postalCode: r.postal_code, country: r.country }
    : null;
  return { id: r.id, name: r.name, email: r.email, phone: r.phone, address };
}

export function invoiceFromRow(r: InvoiceRow): Invoice {
  return {
    id: r.id,
    number: r.number,
    customerId: r.customer_id,
    status: r.status as InvoiceStatus,
    currency: r.currency,
    total: r.total,
    amountDue: r.amount_due,
    amountPaid: r.amount_paid,
    amountRemaining: r.amount_remaining,
    issuedAt: r.issued_at,
    dueAt: r.due_at,
  };
}

function paymentFromRow(r: PaymentRow): PaymentRecord {
  const method: PaymentRecord['method'] = { type: r.method_type as PaymentRecord['method']['type'] };
  if (r.brand !== null) method.brand = r.brand;
  if (r.last4 !== null) method.last4 = r.last4;
  if (r.bank_name !== null) method.bankName = r.bank_name;
  return {
    id: r.id,
    customerId: r.customer_id,
    invoiceId: r.invoice_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status as PaymentRecord['status'],
    method,
    created: r.created,
    stationId: r.station_id,
    staffId: r.staff_id,
  };
}

function int(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new AppError('invalid_request', `${what} must be a whole number.`);
  return value;
}

function optionalInt(value: unknown, what: string, min: number, max: number): number | null {
  if (value === null || value === undefined) return null;
  const n = int(value, what);
  return n >= min && n <= max ? n : null;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AppError('invalid_request', `${what} is not one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** Normalized forms of a customer's searchable fields, as stored in ls_customers and indexed in ls_terms. */
export function customerNorms(c: Customer): CustomerNorms {
  const a = c.address;
  return {
    nameNorm: joinTokens(tokenize(c.name)),
    addrNorm: a ? joinTokens([...tokenize(a.line1), ...tokenize(a.line2), ...tokenize(a.city), ...tokenize(a.postalCode)]) : '',
    emailNorm: normalizeEmail(c.email),
    phoneNorm: normalizePhone(c.phone),
  };
}

/**
 * The main process's local copy of customers, invoices, payments and saved-method summaries, so
 * look-ups and history work while Stripe is unreachable. Each upsert is one transaction, idempotent,
 * last-write-wins by version; the search index (ls_terms) is maintained inside the same transaction.
 */
export class LocalStore {
  private readonly s: ReturnType<LocalStore['prepare']>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.s = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      customerById: db.prepare<[string], CustomerRow>('SELECT * FROM ls_customers WHERE id = ?'),
      insertCustomer: db.prepare(
        `INSERT INTO ls_customers (id, name, email, phone, has_address, line1, line2, city, state, postal_code, country,
           name_norm, addr_norm, email_norm, phone_norm, phone_rev, activity, version)
         VALUES (@id, @name, @email, @phone, @has_address, @line1, @line2, @city, @state, @postal_code, @country,
           @name_norm, @addr_norm, @email_norm, @phone_norm, @phone_rev, @activity, @version)`,
      ),
      updateCustomer: db.prepare(
        `UPDATE ls_customers SET name = @name, email = @email, phone = @phone, has_address = @has_address,
           line1 = @line1, line2 = @line2, city = @city, state = @state, postal_code = @postal_code, country = @country,
           name_norm = @name_norm, addr_norm = @addr_norm, email_norm = @email_norm, phone_norm = @phone_norm,
           phone_rev = @phone_rev, version = @version
         WHERE rid = @rid`,
      ),
      setActivity: db.prepare<[number, number]>('UPDATE ls_customers SET activity = ? WHERE rid = ?'),
      upsertBalance: db.prepare<[string, number, string | null, number]>(
        `INSERT INTO ls_customer_balances (customer_id, amount, currency, version) VALUES (?, ?, ?, ?)
         ON CONFLICT (customer_id) DO UPDATE SET amount = excluded.amount, currency = excluded.currency, version = excluded.version
         WHERE excluded.version >= ls_customer_balances.version`,
      ),
      balanceById: db.prepare<[string], { amount: number; currency: string | null }>(
        'SELECT amount, currency FROM ls_customer_balances WHERE customer_id = ?',
      ),
      activityFromHistory: db.prepare<[string, string], { a: number | null }>(
        `SELECT max(coalesce((SELECT max(issued_at) FROM ls_invoices WHERE customer_id = ?), 0),
                    coalesce((SELECT max(created) FROM ls_payments WHERE customer_id = ?), 0)) AS a`,
      ),
      insertTerm: db.prepare<[number, string, number, number, number]>(
        'INSERT OR IGNORE INTO ls_terms (kind, term, exact, sort_key, rid) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteTerm: db.prepare<[number, string, number, number, number]>(
        'DELETE FROM ls_terms WHERE kind = ? AND term = ? AND exact = ? AND sort_key = ? AND rid = ?',
      ),
      upsertInvoice: db.prepare(
        `INSERT INTO ls_invoices (id, customer_id, number, number_norm, status, currency, total, amount_due, amount_paid,
           amount_remaining, issued_at, due_at, version)
         VALUES (@id, @customer_id, @number, @number_norm, @status, @currency, @total, @amount_due, @amount_paid,
           @amount_remaining, @issued_at, @due_at, @version)
         ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, number = excluded.number,
           number_norm = excluded.number_norm, status = excluded.status, currency = excluded.currency,
           total = excluded.total, amount_due = excluded.amount_due, amount_paid = excluded.amount_paid,
           amount_remaining = excluded.amount_remaining, issued_at = excluded.issued_at, due_at = excluded.due_at,
           version = excluded.version
         WHERE excluded.version >= ls_invoices.version`,
      ),
      upsertPayment: db.prepare(
        `INSERT INTO ls_payments (id, customer_id, invoice_id, amount, currency, status, method_type, brand, last4,
           bank_name, created, station_id, staff_id, version)
         VALUES (@id, @customer_id, @invoice_id, @amount, @currency, @status, @method_type, @brand, @last4,
           @bank_name, @created, @station_id, @staff_id, @version)
         ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, invoice_id = excluded.invoice_id,
           amount = excluded.amount, currency = excluded.currency, status = excluded.status,
           method_type = excluded.method_type, brand = excluded.brand, last4 = excluded.last4,
           bank_name = excluded.bank_name, created = excluded.created, station_id = excluded.station_id,
           staff_id = excluded.staff_id, version = excluded.version
         WHERE excluded.version >= ls_payments.version`,
      ),
      methodSetVersion: db.prepare<[string], { version: number }>('SELECT version FROM ls_payment_method_sets WHERE customer_id = ?'),
      setMethodSetVersion: db.prepare<[string, number]>(
        `INSERT INTO ls_payment_method_sets (customer_id, version) VALUES (?, ?)
         ON CONFLICT (customer_id) DO UPDATE SET version = excluded.version`,
      ),
      deleteMethods: db.prepare<[string]>('DELETE FROM ls_payment_methods WHERE customer_id = ?'),
      deleteMethodById: db.prepare<[string]>('DELETE FROM ls_payment_methods WHERE id = ?'),
      insertMethod: db.prepare(
        `INSERT INTO ls_payment_methods (id, customer_id, position, type, brand, last4, exp_month, exp_year, bank_name, is_default)
         VALUES (@id, @customer_id, @position, @type, @brand, @last4, @exp_month, @exp_year, @bank_name, @is_default)`,
      ),
      invoicesForCustomer: db.prepare<[string], InvoiceRow>(
        `SELECT ${INVOICE_COLUMNS} FROM ls_invoices WHERE customer_id = ? ORDER BY issued_at DESC, id DESC`,
      ),
      invoiceById: db.prepare<[string], InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM ls_invoices WHERE id = ?`),
      invoiceByNumber: db.prepare<[string], InvoiceRow>(
        `SELECT ${INVOICE_COLUMNS} FROM ls_invoices WHERE number_norm = ? ORDER BY issued_at DESC, id DESC LIMIT 1`,
      ),
      paymentsForCustomer: db.prepare<[string], PaymentRow>(
        'SELECT * FROM ls_payments WHERE customer_id = ? ORDER BY created DESC, id DESC',
      ),
      methodsForCustomer: db.prepare<[string], MethodRow>(
        'SELECT * FROM ls_payment_methods WHERE customer_id = ? ORDER BY is_default DESC, position ASC',
      ),
      syncState: db.prepare<[], { cursor: string | null; last_full_load_at: number | null; last_sync_at: number | null }>(
        'SELECT cursor, last_full_load_at, last_sync_at FROM ls_sync_state WHERE id = 1',
      ),
      setSyncState: db.prepare(
        'UPDATE ls_sync_state SET cursor = @cursor, last_full_load_at = @last_full_load_at, last_sync_at = @last_sync_at WHERE id = 1',
      ),
    };
  }

  private version(row: { version?: number }, opts: UpsertOptions): number {
    return int(row.version ?? opts.version ?? this.clock.now(), 'version');
  }

  // -------------------------------------------------------------------------------------------
  // Search-term maintenance.

  private writeTerms(norms: CustomerNorms, sortKey: number, rid: number, remove: boolean): void {
    const stmt: Statement<[number, string, number, number, number]> = remove ? this.s.deleteTerm : this.s.insertTerm;
    for (const [kind, term, exact] of customerTerms(norms)) stmt.run(kind, term, exact, sortKey, rid);
  }

  private static rowNorms(r: CustomerRow): CustomerNorms {
    return { nameNorm: r.name_norm, addrNorm: r.addr_norm, emailNorm: r.email_norm, phoneNorm: r.phone_norm };
  }

  /** Moves a customer's terms to a newer activity time (the sort key) when something newer happened. */
  private bumpActivity(activityByCustomer: Map<string, number>): void {
    for (const [customerId, at] of activityByCustomer) {
      const row = this.s.customerById.get(customerId);
      if (!row || at <= row.activity) continue;
      const norms = LocalStore.rowNorms(row);
      this.writeTerms(norms, row.activity, row.rid, true);
      this.s.setActivity.run(at, row.rid);
      this.writeTerms(norms, at, row.rid, false);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Upserts.

  upsertCustomers(customers: readonly Versioned<Customer & { balance?: CustomerBalance }>[], opts: UpsertOptions = {}): void {
    this.db.transaction(() => {
      for (const c of customers) {
        const id = checkId(c.id, 'Customer id');
        const version = this.version(c, opts);
        if (c.balance) this.writeBalance(id, c.balance, version);
        const existing = this.s.customerById.get(id);
        if (existing && version < existing.version) continue;
        const norms = customerNorms(c);
        const a = c.address;
        const params = {
          id,
          name: c.name ?? null,
          email: c.email ?? null,
          phone: c.phone ?? null,
          has_address: a ? 1 : 0,
          line1: a?.line1 ?? null,
          line2: a?.line2 ?? null,
          city: a?.city ?? null,
          state: a?.state ?? null,
          postal_code: a?.postalCode ?? null,
          country: a?.country ?? null,
          name_norm: norms.nameNorm,
          addr_norm: norms.addrNorm,
          email_norm: norms.emailNorm,
          phone_norm: norms.phoneNorm,
          phone_rev: norms.phoneNorm ? reverse(norms.phoneNorm) : null,
          version,
        };
        if (existing) {
          const old = LocalStore.rowNorms(existing);
          const same =
            old.nameNorm === norms.nameNorm &&
            old.addrNorm === norms.addrNorm &&
            old.emailNorm === norms.emailNorm &&
            old.phoneNorm === norms.phoneNorm;
          if (!same) this.writeTerms(old, existing.activity, existing.rid, true);
          this.s.updateCustomer.run({ ...params, rid: existing.rid });
          if (!same) this.writeTerms(norms, existing.activity, existing.rid, false);
        } else {
          const activity = this.s.activityFromHistory.get(id, id)?.a ?? 0;
          const rid = Number(this.s.insertCustomer.run({ ...params, activity }).lastInsertRowid);
          this.writeTerms(norms, activity, rid, false);
        }
      }
    })();
  }

  /**
   * The customer's balance (Stripe's sign: negative is credit), as of `version` (ms; the desk passes
   * the time of its credit at Stripe): ignored when a newer one is stored.
   */
  setCustomerBalance(customerId: string, balance: CustomerBalance, version: number): void {
    this.writeBalance(checkId(customerId, 'Customer id'), balance, int(version, 'version'));
  }

  /** The customer's balance as last seen (null: not known yet). */
  customerBalance(customerId: string): CustomerBalance | null {
    const row = this.s.balanceById.get(customerId);
    return row ? { amount: row.amount, currency: row.currency } : null;
  }

  private writeBalance(customerId: string, b: CustomerBalance, version: number): void {
    const currency = b.currency === null ? null : String(b.currency).toLowerCase().slice(0, 3);
    this.s.upsertBalance.run(customerId, int(b.amount, 'Balance'), currency, version);
  }

  upsertInvoices(invoices: readonly Versioned<Invoice>[], opts: UpsertOptions = {}): void {
    this.db.transaction(() => {
      const activity = new Map<string, number>();
      for (const inv of invoices) {
        const customerId = checkId(inv.customerId, 'Customer id');
        const issuedAt = int(inv.issuedAt, 'Issued at');
        this.s.upsertInvoice.run({
          id: checkId(inv.id, 'Invoice id'),
          customer_id: customerId,
          number: inv.number ?? null,
          number_norm: normalizeInvoiceNumber(inv.number),
          status: inv.status,
          currency: inv.currency,
          total: int(inv.total, 'Total'),
          amount_due: int(inv.amountDue, 'Amount due'),
          amount_paid: int(inv.amountPaid, 'Amount paid'),
          amount_remaining: int(inv.amountRemaining, 'Amount remaining'),
          issued_at: issuedAt,
          due_at: inv.dueAt === null || inv.dueAt === undefined ? null : int(inv.dueAt, 'Due at'),
          version: this.version(inv, opts),
        });
        if (issuedAt > (activity.get(customerId) ?? 0)) activity.set(customerId, issuedAt);
      }
      this.bumpActivity(activity);
    })();
  }

  upsertPayments(payments: readonly Versioned<PaymentRecord>[], opts: UpsertOptions = {}): void {
    this.db.transaction(() => {
      const activity = new Map<string, number>();
      for (const p of payments) {
        const customerId = checkId(p.customerId, 'Customer id');
        const created = int(p.created, 'Created');
        this.s.upsertPayment.run({
          id: checkId(p.id, 'Payment id'),
          customer_id: customerId,
          invoice_id: checkOptionalId(p.invoiceId, 'Invoice id'),
          amount: int(p.amount, 'Amount'),
          currency: String(p.currency).toLowerCase().slice(0, 3),
          status: oneOf(p.status, PAYMENT_STATUSES, 'Payment status'),
          method_type: oneOf(p.method?.type, PAYMENT_METHOD_TYPES, 'Payment method type'),
          brand: safeText(p.method.brand, 40),
          last4: safeLast4(p.method.last4),
          bank_name: safeText(p.method.bankName, 100),
          created,
          station_id: safeText(p.stationId, 64),
          staff_id: safeText(p.staffId, 64),
          version: this.version(p, opts),
        });
        if (created > (activity.get(customerId) ?? 0)) activity.set(customerId, created);
      }
      this.bumpActivity(activity);
    })();
  }

  /** Replaces the customer's saved-method summaries (the whole set, as Stripe lists it), unless a newer set is stored. */
  upsertPaymentMethods(customerId: string, methods: readonly PaymentMethodSummary[], opts: UpsertOptions = {}): void {
    const cid = checkId(customerId, 'Customer id');
    const version = this.version({}, opts);
    const rows = methods.map((m, position) => ({
      id: checkId(m.id, 'Payment method id'),
      customer_id: cid,
      position,
      type: oneOf(m.type, ['card', 'us_bank_account'] as const, 'Payment method type'),
      brand: safeText(m.brand, 40),
      last4: safeLast4(m.last4),
      exp_month: optionalInt(m.expMonth, 'Expiry month', 1, 12),
      exp_year: optionalInt(m.expYear, 'Expiry year', 2000, 2200),
      bank_name: safeText(m.bankName, 100),
      is_default: m.isDefault === true ? 1 : 0,
    }));
    let seenDefault = false;
    for (const r of rows) {
      if (r.is_default && seenDefault) r.is_default = 0;
      if (r.is_default) seenDefault = true;
    }
    this.db.transaction(() => {
      const stored = this.s.methodSetVersion.get(cid);
      if (stored && version < stored.version) return;
      this.s.deleteMethods.run(cid);
      // A method that moved to another customer (it cannot in Stripe, but the id is the key) leaves its old set.
      for (const r of rows) {
        this.s.deleteMethodById.run(r.id);
        this.s.insertMethod.run(r);
      }
      this.s.setMethodSetVersion.run(cid, version);
    })();
  }

  // -------------------------------------------------------------------------------------------
  // Reads. Every per-customer read is scoped by the customer id it is given.

  getCustomer(id: string): Customer | null {
    const row = this.s.customerById.get(id);
    return row ? customerFromRow(row) : null;
  }

  /** Newest first. */
  invoicesForCustomer(customerId: string): Invoice[] {
    return this.s.invoicesForCustomer.all(customerId).map(invoiceFromRow);
  }

  /** Newest first. */
  paymentsForCustomer(customerId: string): PaymentRecord[] {
    return this.s.paymentsForCustomer.all(customerId).map(paymentFromRow);
  }

  /** The default method first, then in the order Stripe listed them. */
  paymentMethodsForCustomer(customerId: string): PaymentMethodSummary[] {
    return this.s.methodsForCustomer.all(customerId).map((r) => ({
      id: r.id,
      type: r.type as PaymentMethodSummary['type'],
      brand: r.brand,
      last4: r.last4,
      expMonth: r.exp_month,
      expYear: r.exp_year,
      bankName: r.bank_name,
      isDefault: r.is_default === 1,
    }));
  }

  /** An invoice by id; with `customerId`, another customer's invoice is null (not found). */
  getInvoice(id: string, customerId?: string): Invoice | null {
    const row = this.s.invoiceById.get(id);
    if (!row || (customerId !== undefined && row.customer_id !== customerId)) return null;
    return invoiceFromRow(row);
  }

  /** Exact number, case-insensitive, spaces ignored. */
  findInvoiceByNumber(number: string): Invoice | null {
    const n = normalizeInvoiceNumber(number);
    const row = n ? this.s.invoiceByNumber.get(n) : undefined;
    return row ? invoiceFromRow(row) : null;
  }

  // -------------------------------------------------------------------------------------------
  // Sync bookkeeping.

  getSyncState(): SyncState {
    const r = this.s.syncState.get();
    return { cursor: r?.cursor ?? null, lastFullLoadAt: r?.last_full_load_at ?? null, lastSyncAt: r?.last_sync_at ?? null };
  }

  /** Sets the given fields; fields left out keep their value. */
  setSyncState(patch: Partial<SyncState>): void {
    const next = { ...this.getSyncState(), ...patch };
    this.s.setSyncState.run({
      cursor: next.cursor,
      last_full_load_at: next.lastFullLoadAt,
      last_sync_at: next.lastSyncAt,
    });
  }

  /** When the copy was last brought up to date (unix seconds, like the contract's `asOf`), or null if never. */
  asOf(): number | null {
    const at = this.getSyncState().lastSyncAt;
    return at === null ? null : Math.floor(at / 1000);
  }
}
