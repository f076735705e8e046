import type { Migration } from '../connection';

/** The front desk: staff, the audit log, desk payments (card-present, cash, check), help requests: versions 400-499. */
export const deskMigrations: readonly Migration[] = [
  {
    version: 400,
    name: 'desk staff, audit log, desk payments, help requests',
    up: (db) => {
      db.exec(`
        CREATE TABLE desk_staff (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          role TEXT NOT NULL CHECK (role IN ('clerk', 'manager')),
          pin_hash TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1,
          created_by TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        -- Append-only: who did what, when, for how much, on which record.
        CREATE TABLE desk_audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          station_id TEXT NOT NULL,
          staff_id TEXT,
          staff_name TEXT,
          action TEXT NOT NULL,
          subject_id TEXT,
          amount INTEGER,
          currency TEXT,
          detail TEXT
        );
        CREATE INDEX desk_audit_at ON desk_audit (at);
        -- Every payment taken at the desk. The key base is committed before the first request.
        CREATE TABLE desk_payments (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('card_present', 'cash', 'check')),
          key_base TEXT NOT NULL UNIQUE,
          customer_id TEXT NOT NULL,
          invoice_id TEXT,
          invoice_number TEXT,
          amount INTEGER NOT NULL CHECK (amount > 0),
          currency TEXT NOT NULL,
          staff_id TEXT NOT NULL,
          station_id TEXT NOT NULL,
          reader_id TEXT,
          check_number TEXT,
          outbox_id TEXT,
          status TEXT NOT NULL,
          payment_intent_id TEXT,
          payment_record_id TEXT,
          attached INTEGER NOT NULL DEFAULT 0,
          brand TEXT,
          last4 TEXT,
          receipt_json TEXT,
          code TEXT,
          message TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX desk_payments_created ON desk_payments (created_at);
        CREATE INDEX desk_payments_intent ON desk_payments (payment_intent_id);
        -- Help requests raised on this machine (the Stripe side carries them to other desks).
        CREATE TABLE desk_help (
          id TEXT PRIMARY KEY,
          station_id TEXT NOT NULL,
          customer_id TEXT,
          invoice_id TEXT,
          note TEXT,
          requested_at INTEGER NOT NULL,
          resolved_at INTEGER,
          resolved_by TEXT
        );
      `);
    },
  },
  {
    version: 420,
    name: 'desk refunds with their idempotency keys',
    up: (db) => {
      db.exec(`
        -- One row per refund request (one per refund dialog), committed with its idempotency key before
        -- the request goes to Stripe: a retry resends the same key, a settled row answers repeats.
        CREATE TABLE desk_refunds (
          request_id TEXT PRIMARY KEY,
          payment_intent_id TEXT NOT NULL,
          amount INTEGER NOT NULL CHECK (amount > 0),
          currency TEXT NOT NULL,
          reason TEXT NOT NULL,
          staff_id TEXT NOT NULL,
          station_id TEXT NOT NULL,
          attempt INTEGER NOT NULL DEFAULT 1,
          idempotency_key TEXT NOT NULL UNIQUE,
          state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
          refund_id TEXT,
          refund_status TEXT,
          message TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX desk_refunds_pending ON desk_refunds (state) WHERE state = 'pending';
      `);
    },
  },
  {
    version: 430,
    name: 'payments on account: the customer balance credit, and its reversal on refund',
    up: (db) => {
      db.exec(`
        -- A payment on account (invoice_id NULL) is done when this customer balance transaction credited it.
        ALTER TABLE desk_payments ADD COLUMN credit_id TEXT;
        -- A refund of a payment on account also takes its credit back (a debit, made once after the refund).
        ALTER TABLE desk_refunds ADD COLUMN customer_id TEXT;
        ALTER TABLE desk_refunds ADD COLUMN on_account INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE desk_refunds ADD COLUMN debit_id TEXT;
      `);
    },
  },
  {
    version: 440,
    name: "the desk's payments move into the one payment ledger",
    up: (db) => {
      db.exec(`
        -- Card-present, cash and check payments become payments (channel desk) with one allocation: the
        -- invoice, or none (on account). Key bases stay as they were, so retries and the queue keep their keys.
        INSERT INTO payments (id, channel, tender, customer_id, currency, amount, key_base, status, station_id, staff_id,
            reader_id, check_number, outbox_id, credit_id, method_json, receipt_json, code, message, created_at, updated_at)
          SELECT id, 'desk',
            CASE kind WHEN 'card_present' THEN (CASE WHEN key_base LIKE 'desk-js:%' THEN 'reader_js' ELSE 'reader' END) ELSE kind END,
            customer_id, currency, amount, key_base,
            CASE status WHEN 'starting' THEN 'sending' ELSE status END,
            station_id, staff_id, reader_id, check_number, outbox_id, credit_id,
            CASE WHEN kind = 'card_present' THEN json_object('type', 'card_present', 'brand', brand, 'last4', last4,
              'bankName', NULL, 'expMonth', NULL, 'expYear', NULL)
              ELSE json_object('type', kind, 'brand', NULL, 'last4', NULL, 'bankName', NULL, 'expMonth', NULL, 'expYear', NULL) END,
            receipt_json, code, message, created_at, updated_at
          FROM desk_payments;
        INSERT INTO payment_allocations (payment_id, seq, invoice_id, invoice_number, invoice_remaining, amount, status,
            payment_intent_id, payment_record_id, attached, updated_at)
          SELECT id, 1, invoice_id, invoice_number, amount, amount,
            CASE status WHEN 'succeeded' THEN 'succeeded' WHEN 'failed' THEN 'failed' WHEN 'canceled' THEN 'canceled'
              WHEN 'unknown' THEN 'unknown' WHEN 'capturing' THEN 'authorized' WHEN 'queued' THEN 'pending'
              WHEN 'needs_review' THEN 'pending' ELSE 'sending' END,
            payment_intent_id, payment_record_id, attached, updated_at
          FROM desk_payments;
        DROP TABLE desk_payments;
      `);
    },
  },
];
