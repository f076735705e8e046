import type { Migration } from '../connection';

/**
 * The local copy of Stripe data (customers, invoices, payments, saved-method summaries) and its
 * search index: versions 100-199. Owned by services/local-store (writes) and services/lookup (reads).
 *
 * Every synced row has a `version` (milliseconds; the sync passes Stripe's event/updated time) and
 * an upsert only applies when its version is >= the stored one: last write wins, replays are no-ops.
 *
 * Search index (ls_terms): one row per (kind, term, customer) where term is a prefix of a
 * normalized token (names and address tokens: every prefix up to 10 characters; email and phone:
 * prefixes of 1-4 characters of the whole value; name pairs: "a|b" for 1-3-character prefixes of two
 * different words of a name). The primary key orders a term's postings by
 * (exact, sort_key = customer's last activity, rid), so "exact first, most recent first" is a plain
 * backwards range scan that stops at LIMIT. Longer email/phone/invoice-number prefixes use the
 * indexes on the normalized columns of ls_customers / ls_invoices.
 */
export const localStoreMigrations: readonly Migration[] = [
  {
    version: 100,
    name: 'local copy of customers, invoices, payments, saved methods; search terms; sync state',
    up: (db) => {
      db.exec(`
        CREATE TABLE ls_customers (
          rid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          name TEXT,
          email TEXT,
          phone TEXT,
          has_address INTEGER NOT NULL DEFAULT 0,
          line1 TEXT, line2 TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT,
          name_norm TEXT NOT NULL,
          addr_norm TEXT NOT NULL,
          email_norm TEXT,
          phone_norm TEXT,
          phone_rev TEXT,
          activity INTEGER NOT NULL DEFAULT 0,
          version INTEGER NOT NULL
        );
        CREATE INDEX ls_customers_email ON ls_customers (email_norm, activity) WHERE email_norm IS NOT NULL;
        CREATE INDEX ls_customers_phone ON ls_customers (phone_norm, activity) WHERE phone_norm IS NOT NULL;
        CREATE INDEX ls_customers_phone_rev ON ls_customers (phone_rev, activity) WHERE phone_rev IS NOT NULL;

        CREATE TABLE ls_terms (
          kind INTEGER NOT NULL,
          term TEXT NOT NULL,
          exact INTEGER NOT NULL,
          sort_key INTEGER NOT NULL,
          rid INTEGER NOT NULL,
          PRIMARY KEY (kind, term, exact, sort_key, rid)
        ) WITHOUT ROWID;

        CREATE TABLE ls_invoices (
          rid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          customer_id TEXT NOT NULL,
          number TEXT,
          number_norm TEXT,
          status TEXT NOT NULL,
          currency TEXT NOT NULL,
          total INTEGER NOT NULL,
          amount_due INTEGER NOT NULL,
          amount_paid INTEGER NOT NULL,
          amount_remaining INTEGER NOT NULL,
          issued_at INTEGER NOT NULL,
          due_at INTEGER,
          version INTEGER NOT NULL
        );
        CREATE INDEX ls_invoices_customer ON ls_invoices (customer_id, issued_at);
        CREATE INDEX ls_invoices_number ON ls_invoices (number_norm, issued_at) WHERE number_norm IS NOT NULL;

        CREATE TABLE ls_payments (
          id TEXT PRIMARY KEY,
          customer_id TEXT NOT NULL,
          invoice_id TEXT,
          amount INTEGER NOT NULL,
          currency TEXT NOT NULL,
          status TEXT NOT NULL,
          method_type TEXT NOT NULL,
          brand TEXT,
          last4 TEXT,
          bank_name TEXT,
          created INTEGER NOT NULL,
          station_id TEXT,
          staff_id TEXT,
          version INTEGER NOT NULL
        );
        CREATE INDEX ls_payments_customer ON ls_payments (customer_id, created);

        CREATE TABLE ls_payment_methods (
          id TEXT PRIMARY KEY,
          customer_id TEXT NOT NULL,
          position INTEGER NOT NULL,
          type TEXT NOT NULL,
          brand TEXT,
          last4 TEXT,
          exp_month INTEGER,
          exp_year INTEGER,
          bank_name TEXT,
          is_default INTEGER NOT NULL
        );
        CREATE INDEX ls_payment_methods_customer ON ls_payment_methods (customer_id, position);
        CREATE TABLE ls_payment_method_sets (
          customer_id TEXT PRIMARY KEY,
          version INTEGER NOT NULL
        );

        CREATE TABLE ls_sync_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          cursor TEXT,
          last_full_load_at INTEGER,
          last_sync_at INTEGER
        );
        INSERT INTO ls_sync_state (id) VALUES (1);
      `);
    },
  },
  {
    version: 110,
    name: "customers' credit balance (Stripe's customer.balance)",
    up: (db) => {
      db.exec(`
        -- Stripe's sign: negative is credit for the next invoice. Its own version: the sync's customer
        -- snapshots and the desk's credits on account each apply only when newer.
        CREATE TABLE ls_customer_balances (
          customer_id TEXT PRIMARY KEY,
          amount INTEGER NOT NULL,
          currency TEXT,
          version INTEGER NOT NULL
        );
        -- Balances are in Stripe's customer objects: the next sync is a full load, so every customer gets one.
        UPDATE ls_sync_state SET last_full_load_at = NULL;
      `);
    },
  },
];
